"""An import killed half-way (SIGKILL: no cleanup code runs) leaves no partial data.

The import writes chunk after chunk (COPY) inside one transaction; killing the
process drops its connection, and PostgreSQL rolls the transaction back. The
command runs in a child process on the test database, so the test needs real
commits (transaction=True) for the child to see the data and for this test to
see whatever the child might leave. bench/faults.py does the same at 50,000 rows
and then runs the import to completion.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest
from django.conf import settings
from django.db import connection

from recommendations.imports.service import IMPORT_LOCK
from tests.recommendations.conftest import upr_info_csv, upr_info_row

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROWS = 20_000
# The command's progress bar ("4000 rows [00:01, …]") appears once 3,000 rows are done, after the second chunk.
KILL_AFTER_ROWS = 4000


def child_env() -> dict[str, str]:
    """The environment of a command that works on this test's database."""
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = urllib.parse.quote(db["HOST"] or "localhost", safe="")
    url = f"postgres://{urllib.parse.quote(db['USER'], safe='')}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in {"UPR_TEST_DB_NAME", "DATABASE_REPLICA_URL"}}
    return {**env, "DATABASE_URL": url, "DEBUG": "true"}


def export_file(tmp_path):
    states = ["Norway", "France", "Brazil", "Japan", "Kenya"]
    rows = [
        upr_info_row(f"Protect human rights defenders, measure {n}", source=states[n % 5], session=str(7 + n % 3))
        for n in range(ROWS)
    ]
    path = tmp_path / "export.csv"
    path.write_bytes(upr_info_csv(rows, encoding="mac_roman", newline="\r").getvalue())
    return path


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        counts = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def import_lock_holder() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid::bigint = %s AND objid::bigint = %s AND objsubid = 1",
            [IMPORT_LOCK >> 32, IMPORT_LOCK & 0xFFFFFFFF],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def backend_exists(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


class Progress(threading.Thread):
    """The rows done, as the command's progress bar on stderr says."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream, self.rows, self.tail = stream, 0, b""

    def run(self) -> None:
        while chunk := self.stream.read1(4096):
            self.tail = (self.tail + chunk)[-2000:]
            if done := re.findall(rb"(\d+) rows \[", self.tail):
                self.rows = int(done[-1])


def wait_until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)
    return value


def test_import_killed_half_way_leaves_every_table_as_it_was(tmp_path, review_kaz_2010, make_recommendation):
    make_recommendation(review_kaz_2010, "Already there before the import")
    path = export_file(tmp_path)
    before = table_counts()
    command = [sys.executable, "-W", "ignore", "manage.py", "import_recommendations", str(path)]
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        progress = Progress(process.stderr)
        progress.start()
        wait_until(lambda: progress.rows >= KILL_AFTER_ROWS or process.poll() is not None, 120, "the import")
        holder = import_lock_holder()  # its transaction is open, with the first chunks written
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(30)

    assert process.returncode == -signal.SIGKILL, progress.tail.decode(errors="replace")
    assert holder is not None and KILL_AFTER_ROWS <= progress.rows < ROWS
    wait_until(lambda: not backend_exists(holder), 30, "PostgreSQL to end the killed import's session")
    assert table_counts() == before
    assert import_lock_holder() is None
