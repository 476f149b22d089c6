"""Statements PostgreSQL plans once per connection, for the few fixed ones that most requests run.

Django binds parameters in the client (psycopg's ClientCursor): PostgreSQL parses and plans every
statement afresh. Planning the representation of recommendations (recommendations/api/representations.py)
took as long as running it: about 0.4–0.5 ms of the 0.6–0.75 ms of one recommendation at 1M rows
(bench/NOTES.md). prepared_cursor() is a Django cursor like any other (query counts, logging, execute
wrappers, errors) whose statements are bound on the server and prepared on their first execution: psycopg
keeps the last 100 per connection, which CONN_MAX_AGE keeps open across requests.

Only for statements whose text does not change with the request's values (their values are parameters):
each different text would be prepared once and soon evicted. DB_PREPARED_STATEMENTS=false binds them on
the server without preparing them (the connection's prepare_threshold is then None): behind PgBouncer in
transaction mode, older than 1.21 or with max_prepared_statements = 0, a statement prepared through one
server connection is unknown to the next.
"""

import psycopg
from django.db import connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


def prepared_cursor(using: str) -> CursorWrapper:
    """A cursor of connection `using` whose statements are prepared (use it as a context manager)."""
    connection = connections[using]
    # What connection.cursor() does before it makes its cursor: a dead kept connection is replaced.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = psycopg.Cursor(connection.connection)
    return _LoggedCursor(cursor, connection) if connection.queries_logged else connection.make_cursor(cursor)


class _LoggedCursor(CursorDebugWrapper):
    """Logs each statement with its values written in, as Django logs its own: Django would read the text
    sent to a client-binding cursor, and tests (the cache coverage's EXPLAIN) read the log."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return CursorWrapper.execute(self, sql, params)
