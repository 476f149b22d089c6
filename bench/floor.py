"""The floor: the standard questions answered by hand-written SQL through psycopg, no Django.

Each query returns what the API's page shows (the row, its State and session,
its recommending States and themes as arrays), with the same filters, ordering
and totals, so app/raw ratios measure the application's own overhead.
"""

from __future__ import annotations

import threading
import time

import psycopg

ROW = """
SELECT r.id, r.paragraph, r.text, r.kind, r.response, r.action_category, r.current_status, r.updated_at,
       st.iso3, se.number, cy.number,
       ARRAY(SELECT s.iso3 FROM recommendations_recommendation_recommending_states t
               JOIN states_state s ON s.id = t.state_id WHERE t.recommendation_id = r.id ORDER BY s.name),
       ARRAY(SELECT sc.slug || ':' || th.slug FROM recommendations_recommendation_themes t
               JOIN recommendations_theme th ON th.id = t.theme_id
               JOIN recommendations_themescheme sc ON sc.id = th.scheme_id WHERE t.recommendation_id = r.id)
  FROM recommendations_recommendation r
  JOIN recommendations_review rv ON rv.id = r.review_id
  JOIN states_state st ON st.id = rv.state_id
  JOIN recommendations_session se ON se.id = rv.session_id
  JOIN recommendations_cycle cy ON cy.id = se.cycle_id
"""
IN_THEME = "r.id IN (SELECT recommendation_id FROM recommendations_recommendation_themes WHERE theme_id = %(theme)s)"
MATCH = "r.search_vector @@ websearch_to_tsquery('english', %(q)s)"

# The page's ids first, from the (state_under_review, id) index alone: ORDER BY id LIMIT 50 on the
# joined rows is planned as a walk of the primary key that filters by State (tens of thousands of
# rows read for a State whose recommendations are not spread evenly over ids). The app does the same.
STATE_PAGE = (
    "r.id IN (SELECT id FROM recommendations_recommendation WHERE state_under_review_id = %(state)s "
    "ORDER BY id LIMIT 50)"
)

QUERIES: dict[str, list[str]] = {
    "state": [ROW + f" WHERE {STATE_PAGE} ORDER BY r.id"],
    "theme_response": [
        ROW + f" WHERE r.response = 'supported' AND {IN_THEME} ORDER BY r.id LIMIT 50",
        f"SELECT count(*) FROM recommendations_recommendation r WHERE r.response = 'supported' AND {IN_THEME}",
    ],
    "fulltext": [
        ROW + f" WHERE {MATCH} ORDER BY ts_rank(r.search_vector, websearch_to_tsquery('english', %(q)s), 32) DESC,"
        " r.id LIMIT 50",
        f"SELECT count(*) FROM recommendations_recommendation r WHERE {MATCH}",
    ],
    "facets": [
        """SELECT t.theme_id, count(*) FROM recommendations_recommendation_themes t
             JOIN recommendations_recommendation r ON r.id = t.recommendation_id
             JOIN recommendations_review rv ON rv.id = r.review_id
            WHERE rv.state_id = %(state)s GROUP BY t.theme_id"""
    ],
    "one": [ROW + " WHERE r.id = %(id)s"],
    "deep": [ROW + " WHERE (se.number, r.id) > (%(session)s, %(after)s) ORDER BY se.number, r.id LIMIT 50"],
}

EXPORT = f"COPY ({ROW} WHERE {IN_THEME} ORDER BY r.review_id, r.id) TO STDOUT WITH (FORMAT csv, HEADER)"


class Floor:
    """Runs the queries on one connection per thread."""

    def __init__(self, url: str, params: dict):
        self.url = url
        self.params = params
        self.local = threading.local()

    def connection(self) -> psycopg.Connection:
        if getattr(self.local, "connection", None) is None:
            self.local.connection = psycopg.connect(self.url, autocommit=True)
        return self.local.connection

    def call(self, name: str):
        def run() -> None:
            with self.connection().cursor() as cursor:
                for sql in QUERIES[name]:
                    cursor.execute(sql, self.params)
                    cursor.fetchall()

        return run

    def export(self) -> tuple[int, float]:
        """CSV of the theme by COPY: (rows, seconds)."""
        started, lines = time.perf_counter(), 0
        with psycopg.ClientCursor(self.connection()) as cursor:
            with cursor.copy(cursor.mogrify(EXPORT, self.params)) as copy:
                for block in copy:
                    lines += bytes(block).count(b"\n")
        return lines - 1, time.perf_counter() - started


def parameters(url: str, state_iso3: str, theme: str) -> dict:
    """Database ids behind the public values the API queries use, and the deep page's keyset position."""
    scheme, slug = theme.split(":", 1)
    with psycopg.connect(url) as connection:
        state = connection.execute("SELECT id FROM states_state WHERE iso3 = %s", [state_iso3]).fetchone()[0]
        theme_id = connection.execute(
            "SELECT th.id FROM recommendations_theme th JOIN recommendations_themescheme sc ON sc.id = th.scheme_id "
            "WHERE sc.slug = %s AND th.slug = %s",
            [scheme, slug],
        ).fetchone()[0]
        session, after = connection.execute(
            "SELECT se.number, r.id FROM recommendations_recommendation r "
            "JOIN recommendations_review rv ON rv.id = r.review_id "
            "JOIN recommendations_session se ON se.id = rv.session_id ORDER BY se.number, r.id OFFSET 20000 LIMIT 1"
        ).fetchone()
        first = connection.execute("SELECT min(id) FROM recommendations_recommendation").fetchone()[0]
    return {
        "state": state,
        "theme": theme_id,
        "q": "freedom of assembly",
        "id": first,
        "session": session,
        "after": after,
    }
