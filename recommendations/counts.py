"""Cached counts: facet counts and result totals, keyed on the normalised filters and the data's version.

Counting is the expensive part of a search at a million recommendations (a
total over 100,000 matches, fourteen GROUP BYs for the search page), and the
same few filter sets are asked for again and again. So counts are kept in the
Django cache (per process, or shared through Redis with REDIS_URL) under a
key made of

- the data version: a counter in the cache, bumped (now and at commit) by
  every save and delete of the models counts read (connect_signals) and by
  the bulk paths (the importer, the synthetic data generator call
  data_changed()); plus, as a second net, the newest `updated_at` of the
  recommendations and the newest tombstone (services.refresh_* set
  updated_at, as the sync API needs);
- the filters, normalised (sorted names, sorted values), so equivalent
  queries share an entry.

Entries also expire after COUNT_CACHE_SECONDS, a bound on staleness should a
write ever slip past the version (e.g. a long transaction committing rows
whose updated_at is older than the newest one).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import QuerySet

from recommendations.models import DeletedObject, Recommendation

VERSION_KEY = "upr:data-version"


def bump_data_version() -> None:
    """Invalidate every cached count."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)


def data_changed(**_kwargs) -> None:
    """Call after writing what counts see: bumps the version now and again when the transaction commits.

    Now, so the writing request itself sees fresh counts; at commit, so a count
    computed by another request between the two (on the old data) is dropped.
    """
    bump_data_version()
    transaction.on_commit(bump_data_version)


def connect_signals() -> None:
    """Writes through the ORM (admin, services, API) invalidate the counts; bulk paths call data_changed().

    Not business rules, only cache invalidation: the signals cover every
    save and delete of the models counts read, whichever path makes it.
    """
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from recommendations.models import ImplementationAssessment, Position, Review

    for model in (Recommendation, Position, ImplementationAssessment, Review, DeletedObject):
        post_save.connect(data_changed, sender=model, dispatch_uid=f"counts-save-{model.__name__}")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"counts-delete-{model.__name__}")
    for field in ("recommending_states", "themes", "affected_groups", "sdgs"):
        through = getattr(Recommendation, field).through
        m2m_changed.connect(data_changed, sender=through, dispatch_uid=f"counts-m2m-{field}")


def data_version(using: str | None = None) -> str:
    """One query (two index lookups): newest updated_at and tombstone; plus the cache's counter."""
    with connections[using or Recommendation.objects.db].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(updated_at) FROM {Recommendation._meta.db_table}), "
            f"(SELECT max(id) FROM {DeletedObject._meta.db_table})"
        )
        updated, deleted = cursor.fetchone()
    return f"{cache.get(VERSION_KEY, 0)}:{updated}:{deleted}"


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


def cached(kind: str, filters: str, version: str, compute: Callable[[], object]) -> object:
    if not settings.COUNT_CACHE_SECONDS:
        return compute()
    digest = hashlib.sha256(f"{kind}\0{filters}\0{version}".encode()).hexdigest()
    key = f"upr:counts:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.COUNT_CACHE_SECONDS)
    return value


def cached_total(queryset: QuerySet, version: str | None = None) -> int:
    """COUNT(*) of a queryset, cached under its SQL (which holds every filter value) and the data version."""
    sql, params = queryset.order_by().query.sql_with_params()
    version = data_version(queryset.db) if version is None else version
    return cached("total", f"{sql}\0{params!r}", version, queryset.count)
