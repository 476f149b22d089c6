"""The comparison: the same data in SQLite with FTS5, served by Datasette on loopback.

build() copies the recommendations (with their State, session, cycle, and
recommending States and themes as joined tables) from PostgreSQL into a
SQLite file, adds the indexes the questions need and an FTS5 index on text
(sqlite-utils' enable_fts). queries() are the standard questions as
Datasette JSON/CSV URLs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg

RECOMMENDATIONS = """
SELECT r.id, st.iso3, se.number, cy.number, r.paragraph, r.text, r.kind, r.response, r.action_category,
       r.current_status, r.updated_at::text
  FROM recommendations_recommendation r
  JOIN recommendations_review rv ON rv.id = r.review_id
  JOIN states_state st ON st.id = rv.state_id
  JOIN recommendations_session se ON se.id = rv.session_id
  JOIN recommendations_cycle cy ON cy.id = se.cycle_id
"""
STATES = """SELECT t.recommendation_id, s.iso3 FROM recommendations_recommendation_recommending_states t
              JOIN states_state s ON s.id = t.state_id"""
THEMES = """SELECT t.recommendation_id, sc.slug || ':' || th.slug FROM recommendations_recommendation_themes t
              JOIN recommendations_theme th ON th.id = t.theme_id
              JOIN recommendations_themescheme sc ON sc.id = th.scheme_id"""
SCHEMA = """
CREATE TABLE recommendations (id INTEGER PRIMARY KEY, state TEXT, session INTEGER, cycle INTEGER, paragraph TEXT,
    text TEXT, kind TEXT, response TEXT, action_category INTEGER, status TEXT, updated_at TEXT);
CREATE TABLE recommending_states (recommendation_id INTEGER, state TEXT);
CREATE TABLE recommendation_themes (recommendation_id INTEGER, theme TEXT);
"""
INDEXES = """
CREATE INDEX recommendations_state ON recommendations (state, id);
CREATE INDEX recommendations_response ON recommendations (response, id);
CREATE INDEX recommendations_session ON recommendations (session, id);
CREATE INDEX recommending_states_recommendation ON recommending_states (recommendation_id);
CREATE INDEX themes_theme ON recommendation_themes (theme, recommendation_id);
CREATE INDEX themes_recommendation ON recommendation_themes (recommendation_id);
CREATE VIEW theme_export AS
SELECT t.theme, r.*, (SELECT group_concat(s.state, '; ') FROM recommending_states s
                       WHERE s.recommendation_id = r.id) AS recommending_states
  FROM recommendation_themes t JOIN recommendations r ON r.id = t.recommendation_id;
"""


def build(database_url: str, path: Path) -> float:
    """Export PostgreSQL to a fresh SQLite file with FTS; returns the seconds it took."""
    import sqlite_utils

    started = time.perf_counter()
    path.unlink(missing_ok=True)
    db = sqlite_utils.Database(path)
    db.conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
    with psycopg.connect(database_url) as connection:
        for table, sql, width in (
            ("recommendations", RECOMMENDATIONS, 11),
            ("recommending_states", STATES, 2),
            ("recommendation_themes", THEMES, 2),
        ):
            placeholders = ", ".join("?" * width)
            with connection.cursor(name=f"export_{table}") as cursor:
                cursor.itersize = 20_000
                cursor.execute(sql)
                while rows := cursor.fetchmany(20_000):
                    db.conn.executemany(f"INSERT INTO {table} VALUES ({placeholders})", rows)
    db.conn.executescript(INDEXES)
    db.conn.commit()
    db["recommendations"].enable_fts(["text"], create_triggers=False)
    db.conn.execute("ANALYZE")
    db.conn.commit()
    db.close()
    return time.perf_counter() - started


def serve(path: Path, port: int) -> subprocess.Popen:
    datasette = Path(sys.executable).with_name("datasette")
    command = [
        str(datasette),
        "serve",
        str(path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        "120000",
        "--setting",
        "facet_time_limit_ms",  # the cold column's facets (bench/cold.py) are computed, not given up
        "120000",
        "--setting",
        "num_sql_threads",
        "4",
        "--setting",
        "default_cache_ttl",
        "0",
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())


_ROW = """SELECT r.*, (SELECT json_group_array(state) FROM recommending_states s WHERE s.recommendation_id = r.id)
   AS recommending_states, (SELECT json_group_array(theme) FROM recommendation_themes t
   WHERE t.recommendation_id = r.id) AS themes FROM recommendations r"""
_IN_THEME = "r.id IN (SELECT recommendation_id FROM recommendation_themes WHERE theme = :theme)"


def queries(base: str, database: str, params: dict) -> dict[str, str]:
    """The standard questions as Datasette URLs (`base` like http://127.0.0.1:8102)."""
    fts = '"freedom" "assembly"'  # FTS5 for websearch's freedom AND assembly ("of" is a stop word in PostgreSQL)

    def sql(statement: str, **values) -> str:
        query = urllib.parse.urlencode({"sql": " ".join(statement.split()), **values, "_shape": "array"})
        return f"{base}/{database}.json?{query}"

    total = f"(SELECT count(*) FROM recommendations r WHERE r.response = 'supported' AND {_IN_THEME}) AS total"
    return {
        "state": sql(f"{_ROW} WHERE r.state = :state ORDER BY r.id LIMIT 50", state=params["state_iso3"]),
        "theme_response": sql(
            f"SELECT *, {total} FROM ({_ROW} WHERE r.response = 'supported' AND {_IN_THEME} ORDER BY r.id LIMIT 50)",
            theme=params["theme_slug"],
        ),
        "fulltext": sql(
            f"""SELECT x.*, (SELECT count(*) FROM recommendations_fts WHERE recommendations_fts MATCH :q) AS total
                  FROM ({_ROW} JOIN (SELECT rowid, rank FROM recommendations_fts WHERE recommendations_fts MATCH :q
                  ORDER BY rank LIMIT 50) f ON f.rowid = r.id) x""",
            q=fts,
        ),
        "facets": sql(
            """SELECT t.theme, count(*) AS n FROM recommendation_themes t JOIN recommendations r
                 ON r.id = t.recommendation_id WHERE r.state = :state GROUP BY t.theme""",
            state=params["state_iso3"],
        ),
        "one": sql(f"{_ROW} WHERE r.id = :id", id=params["id"]),
        "deep": sql(
            f"{_ROW} WHERE (r.session, r.id) > (:session, :after) ORDER BY r.session, r.id LIMIT 50",
            session=params["session"],
            after=params["after"],
        ),
        "export": f"{base}/{database}/theme_export.csv?"
        + urllib.parse.urlencode({"theme": params["theme_slug"], "_stream": "on", "_size": "max"}),
    }
