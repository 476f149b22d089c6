"""Every `manage.py` command README.md shows in a code block works as written, in a checkout after `make run`.

The commands run in the README's order, each in a shell (as a reader pastes it) from the project folder, on a
scratch database given through DATABASE_URL that `make run`'s own commands prepared first (migrate, load_demo).
The reader's environment is that of a fresh shell: no DEBUG or SECRET_KEY, the `.env` that `make` writes
(upr_tracker/devenv.py) as the development settings, and a home folder holding the files the commands name
(`~/Downloads/…`), small files in the real formats built here. An `export` line in a code block applies to the
commands after it in that block; its `...` placeholders are filled in by PLACEHOLDERS.
"""

import os
import re
import secrets
import shlex
import subprocess
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql

from tests.recommendations.conftest import NEW_HEADER, ohchr_list_docx, table_xlsx, upr_info_csv, upr_info_row
from upr_tracker import devenv

README = settings.BASE_DIR / "README.md"
CODE_BLOCK = re.compile(r"^ *```[a-z]*\n(.*?)^ *```", re.MULTILINE | re.DOTALL)
# Commands shown but not run, each with the reason. Keep it short: a command here is not checked.
NOT_RUN = {
    "runserver": "serves until stopped (make run starts it)",
    "collectstatic": "compresses every static file, 90 s on a 2-core VM; make bench runs it before every run",
}
# What a reader's shell does not have: the test runner's settings and the variables the README's commands set.
NOT_INHERITED = {
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_URL_FILE",
    "DATABASE_REPLICA_URL",
    "UPR_TEST_DB_NAME",
    "UPR_ENV_FILE",
    "DJANGO_SETTINGS_MODULE",
    "STATIC_ROOT",
    "HOME",
}


def upr_info_export() -> bytes:
    """A UPR Info export as the real ones come: Mac Roman, bare CR line ends."""
    rows = [
        upr_info_row("Guarantee the safety of human rights defenders and journalists", source="Norway"),
        upr_info_row("Decriminalise defamation", source="Ireland", session="20", response="Noted"),
    ]
    return upr_info_csv(rows, encoding="mac_roman", newline="\r").getvalue()


def ohchr_list() -> bytes:
    source = "Source of position: A/HRC/43/15/Add.1 - Para. 2"
    rows = [
        "Theme: Acceptance of international norms",
        [f"100.1 Ratify the Optional Protocol to the Convention against Torture (France);\n{source}", "Supported",
         "- Acceptance of international norms", ""],
    ]  # fmt: skip
    return ohchr_list_docx(NEW_HEADER, rows).getvalue()


def own_spreadsheet() -> bytes:
    """The generic table with one good row and one naming a State that does not exist (skipped, reported)."""
    from recommendations.imports.table import REQUIRED_COLUMNS

    good = {"paragraph": "89.12", "text": "Guarantee the right to peaceful assembly", "state_under_review": "KAZ",
            "recommending_states": "Norway", "session": "7", "response": "supported", "action_category": "4",
            "themes": "", "affected_groups": "", "sdgs": ""}  # fmt: skip
    bad = {**good, "paragraph": "89.13", "state_under_review": "Atlantis"}
    return table_xlsx([REQUIRED_COLUMNS, *([row[c] for c in REQUIRED_COLUMNS] for row in (good, bad))]).getvalue()


# The files the README's commands name, relative to the reader's home folder.
FILES = {
    "Downloads/upr-info-kazakhstan.csv": upr_info_export,
    "Downloads/ohchr-thematic-list-slovenia.docx": ohchr_list,
    "Downloads/our-tracking.xlsx": own_spreadsheet,
}
PLACEHOLDERS = {
    "SECRET_KEY": lambda scratch_url: secrets.token_urlsafe(50),
    "DATABASE_URL": lambda scratch_url: scratch_url,
}


def readme_blocks() -> list[list[str]]:
    """The lines of each code block, continuation lines joined."""
    blocks = []
    for body in CODE_BLOCK.findall(README.read_text()):
        lines = [line.strip() for line in body.replace("\\\n", " ").splitlines()]
        blocks.append([line for line in lines if line])
    return blocks


def shown_commands() -> list[tuple[dict[str, str], str]]:
    """(variables exported before it in its block, command line) for every manage.py line of a code block."""
    commands = []
    for lines in readme_blocks():
        exported = {}
        for line in lines:
            if line.startswith("export "):
                exported.update(word.split("=", 1) for word in shlex.split(line)[1:])
            elif "manage.py" in line and not line.startswith("#"):
                commands.append((dict(exported), line))
    return commands


def subcommand(line: str) -> str:
    words = shlex.split(line, comments=True)
    return words[words.index("manage.py") + 1]


@pytest.fixture
def scratch_url():
    """An empty database on the test server, as a DATABASE_URL, dropped afterwards."""
    params = connection.settings_dict
    name = f"{params['TEST'].get('NAME') or 'test_' + params['NAME']}_readme"
    server = {"host": params["HOST"], "port": params["PORT"] or 5432, "user": params["USER"], "dbname": "postgres"}
    if params["PASSWORD"]:
        server["password"] = params["PASSWORD"]
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(**server, autocommit=True) as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    user = quote(params["USER"]) + (f":{quote(params['PASSWORD'], safe='')}" if params["PASSWORD"] else "")
    yield f"postgres://{user}@{quote(params['HOST'], safe='')}:{server['port']}/{name}"
    with psycopg.connect(**server, autocommit=True) as conn:
        conn.execute(drop)


@pytest.fixture
def reader_env(tmp_path, scratch_url) -> dict[str, str]:
    """A fresh shell in the checkout after `make run`: the .env `make` writes, a home folder with the files."""
    devenv.write(tmp_path / ".env")
    home = tmp_path / "home"
    for relative, build in FILES.items():
        (home / relative).parent.mkdir(parents=True, exist_ok=True)
        (home / relative).write_bytes(build())
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return {
        **env,
        "HOME": str(home),
        "UPR_ENV_FILE": str(tmp_path / ".env"),
        "DATABASE_URL": scratch_url,
        "STATIC_ROOT": str(tmp_path / "staticfiles"),  # should collectstatic run, outside the checkout
    }


def run(line: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", line], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600
    )


def make_run_commands() -> list[str]:
    """What `make run` runs with manage.py, from the Makefile itself (`make -n`), up to the server."""
    printed = subprocess.run(["make", "-n", "run"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True)
    lines = [line for line in printed.stdout.splitlines() if "manage.py" in line]
    return [line for line in lines if subcommand(line) not in NOT_RUN]


def test_every_manage_py_command_of_the_readme_runs_as_written_after_make_run(reader_env, scratch_url):
    prepare = make_run_commands()
    assert [subcommand(line) for line in prepare] == ["migrate", "load_demo"]
    for line in prepare:
        result = run(line, reader_env)
        assert result.returncode == 0, f"make run: {line}\n{result.stdout}\n{result.stderr}"

    commands = [(exported, line) for exported, line in shown_commands() if subcommand(line) not in NOT_RUN]
    assert {"import_recommendations", "remove_demo", "check", "migrate"} <= {subcommand(line) for _, line in commands}
    for exported, line in commands:
        filled = {name: PLACEHOLDERS[name](scratch_url) if "..." in v else v for name, v in exported.items()}
        result = run(line, {**reader_env, **filled})
        assert result.returncode == 0, f"README: {line}\n{result.stdout}\n{result.stderr}"

    report = Path(reader_env["HOME"]) / "Downloads" / "errors.csv"
    assert "Atlantis" in report.read_text()


def test_the_readme_runs_manage_py_with_the_virtualenvs_python_everywhere():
    text = README.read_text()

    assert re.findall(r"(?<!\.venv/bin/)\bpython3? manage\.py", text) == []
    assert all(line.startswith(".venv/bin/python manage.py ") for _, line in shown_commands())
