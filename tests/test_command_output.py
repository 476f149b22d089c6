"""Management commands print what they do, not the start-up chatter of the apps they load."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def manage(*args: str) -> subprocess.CompletedProcess:
    """manage.py in a process of its own, on the test database, logging at INFO as in production."""
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true", "LOG_LEVEL": "INFO"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db
def test_a_management_command_does_not_print_the_axes_banner_but_keeps_lockout_warnings():
    levels = "import logging; print([logging.getLogger(name).getEffectiveLevel() for name in {names}])"
    completed = manage("shell", "-c", levels.format(names=["axes.apps", "axes.handlers.database", "axes.handlers"]))
    assert completed.returncode == 0, completed.stderr
    assert "AXES: BEGIN" not in completed.stdout + completed.stderr
    # The start-up line's logger is quietened; those of failed logins and lockouts still log warnings.
    assert completed.stdout.strip().splitlines()[-1] == str([logging.WARNING, logging.INFO, logging.INFO])


@pytest.mark.django_db
def test_an_import_report_starts_with_the_import(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\n")
    completed = manage("import_recommendations", str(path), "--no-suggestions")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("upr-info: 0 rows: 0 created")
    assert "AXES" not in completed.stderr
