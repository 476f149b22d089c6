"""Data versions, and counts cached under them: the totals of lists other than the recommendations'.

The recommendations' facet counts and totals come from the count index
(recommendations/search/index/), which needs no cache. Other lists' totals
(reviews, themes, deletions with include_total) are COUNT(*)s kept in the
Django cache (per process, or shared through Redis with REDIS_URL) under a
key made of

- the data version: counters that PostgreSQL itself bumps, one per table,
  when a transaction that wrote to the table commits (triggers of migration
  0010, so every write path moves them, whichever code or tool makes the
  write). Reading them all is one small query. Which tables need the trigger
  is not a list to keep by hand: tests/core/test_cache_coverage.py
  records what every cached answer reads and fails on a table without it;
- the filters, normalised (sorted names, sorted values), so equivalent
  queries share an entry.

A transaction that has written and not yet committed sees rows nobody else
sees: its reads are neither cached nor served from the cache (data_version()
answers UNCACHEABLE). Entries also expire after COUNT_CACHE_SECONDS, which
bounds the memory they hold.

Each GET reads the version once and pins it (`pinned`, OneDataVersionMiddleware
in core/middleware.py; a cached view may reuse a recent one, core/response_cache.py),
so the counts computed for that response use the same version without another query.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import QuerySet

from core.prepared import prepared_cursor

# Each table's counter with the moment it moved: a database rebuilt with counters starting again
# from 1 never matches entries of the old one.
_VERSION_SQL = (
    "SELECT current_setting('upr.changed_tables', true), "
    "json_object_agg(table_name, version || '@' || extract(epoch FROM changed_at)) "
    "FROM recommendations_dataversion"
)


@dataclass(frozen=True)
class DataVersion:
    """The committed data's version, per table; not cacheable inside a transaction that wrote."""

    tables: dict[str, str] = field(default_factory=dict)
    cacheable: bool = False
    # The committed data's version, also when this transaction has written (then not cacheable): what the
    # count index (recommendations/search/index/) was read for. None when unknown.
    committed: str | None = None

    def key(self, tables: Iterable[str] | None = None) -> str:
        """The version of `tables`, or of all the data; it changes when a write to one of them commits."""
        names = sorted(self.tables) if tables is None else sorted(tables)
        return ",".join(self.tables.get(name, "0") for name in names)


UNCACHEABLE = DataVersion()


@dataclass
class _Reading:
    """One answer's reads: the data version it uses (None until read) and what it keeps under it."""

    version: DataVersion | None = None
    kept: dict[str, object] = field(default_factory=dict)


_reading: contextvars.ContextVar[_Reading | None] = contextvars.ContextVar("upr_reading", default=None)


def data_version(using: str | None = None) -> DataVersion:
    """The version of the data this connection reads: one query, unless a request pinned it.

    UNCACHEABLE inside a transaction that has written (it reads rows nobody else sees yet) or when
    the counters are missing.
    """
    reading = _reading.get()
    if reading is not None and reading.version is not None:
        return reading.version
    with prepared_cursor(using or read_alias()) as cursor:
        cursor.execute(_VERSION_SQL)
        changed, tables = cursor.fetchone()
    if not tables:
        version = UNCACHEABLE
    elif changed:
        version = DataVersion(committed=DataVersion(tables=tables).key())
    else:
        version = DataVersion(tables=tables, cacheable=True, committed=DataVersion(tables=tables).key())
    if reading is not None:
        reading.version = version
    return version


def read_alias() -> str:
    """The database reads go to (the replica when one is configured, upr_tracker/db_router.py)."""
    return router.db_for_read(None) or DEFAULT_DB_ALIAS


_reused: tuple[float, DataVersion] | None = None


def recent_data_version(max_age: float) -> DataVersion:
    """data_version(), or the one this process read less than `max_age` seconds ago.

    For anonymous reads only (response_cache.py): they may then miss a write for up to
    `max_age` after it commits, as if they had been made that much earlier; writers read
    with their credentials and are never served from the cache. Never reused inside a
    transaction (it may have written) nor when max_age is 0.
    """
    global _reused
    using = read_alias()
    if max_age <= 0 or connections[using].in_atomic_block:
        return data_version(using)
    started, reused = time.monotonic(), _reused
    if reused is not None and started - reused[0] < max_age:
        return reused[1]
    version = data_version(using)
    if version.cacheable:
        _reused = (started, version)  # aged from before the read, so never younger than the data
    return version


@contextlib.contextmanager
def pinned(version: DataVersion | None = None) -> Iterator[None]:
    """One answer's reads (a GET request's): within the block, data_version() answers `version`, or
    the first version it reads, without another query, and kept() keeps what it computes under it.

    Only around code that does not write: a write would change the version the block goes on using.
    """
    token = _reading.set(_Reading(version))
    try:
        yield
    finally:
        _reading.reset(token)


def kept(name: str, compute: Callable[[], object]) -> object:
    """compute(), kept in this process until the data version moves: for small reference data that nearly
    every request reads. Under an uncacheable version (a transaction that wrote) it is kept for the pinned
    block only, or computed on each call outside one.

    Keyed on the whole version, not on the tables it reads: reading the reference tables again costs
    a few ms after a write (bench/NOTES.md), where per-table keys needed a list of them."""
    version = data_version()
    if version.cacheable:
        key = version.key()
        held = _kept.get(name)
        if held is not None and held[0] == key:
            return held[1]
        value = compute()
        _kept[name] = (key, value)  # one assignment: threads see the old pair or the new one
        return value
    reading = _reading.get()
    if reading is None:
        return compute()
    if name not in reading.kept:
        reading.kept[name] = compute()
    return reading.kept[name]


_kept: dict[str, tuple[str, object]] = {}


def normalised(cleaned_data: dict, *, drop: tuple[str, ...] = ("ordering",)) -> str:
    """The filters as a stable string: names sorted, list values sorted, empty values left out."""
    items = {}
    for name, value in cleaned_data.items():
        if name in drop or value in (None, "", [], ()):
            continue
        if isinstance(value, (list, tuple, set)):
            value = sorted(str(getattr(item, "pk", item)) for item in value)
        else:
            value = str(getattr(value, "pk", value))
        items[name] = value
    return json.dumps(items, sort_keys=True)


def cached(kind: str, filters: str, version: str | None, compute: Callable[[], object]) -> object:
    """compute(), kept under (kind, filters, version); computed afresh when version is None (uncacheable)."""
    if not settings.COUNT_CACHE_SECONDS or version is None:
        return compute()
    key = _key(kind, filters, version)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.COUNT_CACHE_SECONDS)
    return value


def _key(kind: str, filters: str, version: str) -> str:
    return "upr:counts:" + hashlib.sha256(f"{kind}\0{filters}\0{version}".encode()).hexdigest()


def cached_total(queryset: QuerySet, version: DataVersion | None = None) -> int:
    """COUNT(*) of a queryset, cached under its SQL (which holds every filter value) and the data version."""
    version = data_version(queryset.db) if version is None else version
    if not version.cacheable:
        return queryset.count()
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # a filter that nothing can match (a cycle without sessions, say)
        return 0
    return cached("total", f"{sql}\0{params!r}", version.key(), queryset.count)
