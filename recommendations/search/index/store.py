"""The count index of this process: built once, then kept current by reading what each write changed.

Every process holds one `Store`. Its snapshot is the committed data as of a PostgreSQL snapshot, read on
a connection of its own (never the request's, which may be inside a transaction that has written) at
REPEATABLE READ, so the change log and the rows agree:

- the first use reads every recommendation (a few seconds at a million: gunicorn's worker start does it,
  gunicorn.conf.py, before the worker takes requests);
- after a write commits (the request's data version moved, core/counts.py) the next use reads the change
  log (migration 0032) from the horizon of the last read — the oldest transaction that snapshot could not
  see — and the rows of the recommendations named there, and patches the snapshot (snapshot.patched);
- a request whose own transaction has written sees the snapshot with its own changes applied, read on
  its own connection; that copy is kept only for the same transaction's next request (_with_own_changes).

One thread refreshes while the others wait for it (a lock): concurrent first requests read once.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable

import psycopg
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connections
from pyroaring import FrozenBitMap

from core import counts
from recommendations.search.index import rows
from recommendations.search.index.snapshot import Snapshot, build, patched

logger = logging.getLogger(__name__)

# Changed recommendations above which reading them all again costs less than reading those (and far less
# than the memory of patching a million bitmaps' worth): about a fifth of the time of a full read.
FULL_READ_ABOVE = 200_000
# Change log rows are kept this long; a process whose last read is older reads everything again.
RETENTION = "1 hour"
PURGE_EVERY_SECONDS = 300
# Filters answered by PostgreSQL kept per process (each a bitmap: a few kB to 125 kB at a million rows).
SELECTIONS_KEPT = 256

_HORIZON_SQL = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, below FROM recommendations_indexpurge"
_CHANGED_SQL = "SELECT DISTINCT recommendation_id FROM recommendations_indexchange WHERE xid >= %s"
_OWN_SQL = (
    "SELECT recommendation_id, max(id) FROM recommendations_indexchange "
    "WHERE xid = pg_current_xact_id_if_assigned()::text::bigint GROUP BY recommendation_id"
)
_PURGE_SQL = f"""
WITH gone AS (DELETE FROM recommendations_indexchange WHERE changed_at < now() - interval '{RETENTION}' RETURNING xid)
UPDATE recommendations_indexpurge SET below = greatest(below, (SELECT max(xid) + 1 FROM gone))
 WHERE EXISTS (SELECT 1 FROM gone)
"""


class Store:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.snapshot: Snapshot | None = None
        self.horizon = 0  # transactions from this id on may hold changes the snapshot lacks
        self.version: str | None = None  # the committed data version the snapshot was read for
        self.purged_at = 0.0
        # Filters the index cannot answer from its bitmaps (search words, updated_since), as PostgreSQL
        # answered them: key -> [ids, ids changed since, which are asked again before the next use].
        self.selections: dict[str, list] = {}
        # Each patch's changed ids, numbered: what a selection asked meanwhile must ask again. `floor`: the
        # number of the last full read, before which nothing can be patched.
        self.generation = self.floor = 0
        self.recent: collections.deque[tuple[int, FrozenBitMap]] = collections.deque(maxlen=64)

    def current(self, version: counts.DataVersion) -> Snapshot:
        """The snapshot for a request reading `version` (its own writes applied when it has written)."""
        if self.snapshot is None or version.committed is None or version.committed != self.version:
            with self.lock:
                if self.snapshot is None or version.committed is None or version.committed != self.version:
                    self._refresh(version.committed)
            self._purge_now_and_then()
        snapshot = self.snapshot
        return snapshot if version.cacheable else _with_own_changes(snapshot)

    def _refresh(self, version: str | None) -> None:
        alias = counts.read_alias()
        try:
            self._read_committed(alias, version)
        except psycopg.OperationalError as error:  # as Django raises it: a statement timeout is then a 503
            raise OperationalError(str(error)) from error

    def _purge_now_and_then(self) -> None:
        """After a refresh, outside the lock (the other threads need not wait for a DELETE): on the primary,
        at most every PURGE_EVERY_SECONDS per process."""
        if counts.read_alias() == DEFAULT_DB_ALIAS and time.monotonic() - self.purged_at > PURGE_EVERY_SECONDS:
            self.purged_at = time.monotonic()
            purge()

    def _read_committed(self, alias: str, version: str | None) -> None:
        with _connect(alias) as connection:
            connection.read_only = True
            connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            with connection.transaction(), connection.cursor() as cursor:
                horizon, below = cursor.execute(_HORIZON_SQL).fetchone()
                self.snapshot = self._read(cursor, below)
            self.horizon, self.version = horizon, version

    def _read(self, cursor, below: int) -> Snapshot:
        changed = [None] if self.snapshot is None or self.horizon < below else None
        changed = changed or [row[0] for row in cursor.execute(_CHANGED_SQL, [self.horizon])]
        if None in changed or len(changed) > FULL_READ_ABOVE:
            self.generation += 1
            self.floor = self.generation
            self.recent.clear()
            self.selections.clear()
            return build(rows.read(cursor))
        if not changed:
            return self.snapshot
        self.generation += 1
        self.recent.append((self.generation, FrozenBitMap(changed)))
        for entry in self.selections.values():
            entry[1] = entry[1] | self.recent[-1][1]
        return patched(self.snapshot, changed, rows.read(cursor, changed))

    def selection(self, key: str, select: Callable[[list[int] | None], FrozenBitMap], own: bool) -> FrozenBitMap:
        """The ids a filter selects (`select(None)`: all of them; `select(ids)`: those among `ids`), kept
        and brought up to date by asking again for the recommendations changed since. A request whose
        transaction has written (`own`) asks for everything and keeps nothing.

        Asked outside the lock; the patches made meanwhile are asked again at the next use."""
        if own:
            return select(None)
        with self.lock:
            entry, start = self.selections.get(key), self.generation
        if entry is not None and not entry[1]:
            return entry[0]
        ids = select(None) if entry is None else FrozenBitMap((entry[0] - entry[1]) | select(list(entry[1])))
        with self.lock:
            if start >= self.floor and (not self.recent or self.recent[0][0] <= start + 1):
                later = [changed for generation, changed in self.recent if generation > start]
                if len(self.selections) >= SELECTIONS_KEPT:
                    self.selections.pop(next(iter(self.selections)), None)
                self.selections[key] = [ids, FrozenBitMap.union(FrozenBitMap(), *later)]
        return ids


def _with_own_changes(snapshot: Snapshot) -> Snapshot:
    """The snapshot as the request's transaction sees it, with the recommendations it changed read again.

    Kept for the next request of the same transaction while it writes nothing more (its last log row and
    their number say so): a transaction that wrote thousands of rows reads them once, not per request."""
    with connections[counts.read_alias()].cursor() as cursor:
        cursor.execute(_OWN_SQL)
        logged = dict(cursor.fetchall())
        if not logged:
            return snapshot
        key = (max(logged.values()), len(logged))
        kept = _own.get("kept")
        if kept is not None and kept[0] is snapshot and kept[1] == key:
            return kept[2]
        changed = list(logged)
        if None in changed:  # it emptied a table: everything as it sees it
            seen = build(rows.read(cursor))
        else:
            seen = patched(snapshot, changed, rows.read(cursor, changed))
    _own["kept"] = (snapshot, key, seen)
    return seen


# The last transaction's own view (_with_own_changes): one entry, replaced whole.
_own: dict[str, tuple] = {}


def purge() -> None:
    """Delete the change log's old rows (and say which transactions' rows may be gone)."""
    with _connect(DEFAULT_DB_ALIAS) as connection:
        connection.autocommit = True
        connection.execute(_PURGE_SQL)


def _connect(alias: str) -> psycopg.Connection:
    """A connection of the index's own, to the database of `alias`, closed after each use: a refresh
    follows a write, not every request, and a test database can then be dropped at any time."""
    return psycopg.connect(**connections[alias].get_connection_params())


STORE = Store()


def warm() -> None:
    """Read the index now (a worker's start, gunicorn.conf.py), so that no request waits for it. A database
    that cannot be read yet is not an error here: the first request reads it."""
    try:
        STORE.current(counts.data_version())
    except (DatabaseError, psycopg.Error) as error:
        logger.warning("The count index was not read at start (%s); the first request will read it.", error)
    finally:
        connections.close_all()  # the worker's main thread: requests run in threads with their own
