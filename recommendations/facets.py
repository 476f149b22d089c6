"""Facet counts for recommendation searches: how many results each value of a filter would give.

Conventional faceting: the counts for facet X are computed with every filter
applied except X's own, so they show what choosing another (or one more)
value of X would give, while the other facets narrow. Each facet is one
query, whatever the number of values: rows are counted per id (State, review,
theme …) and labelled afterwards. Values are exactly what the filter of the
same name accepts.

Shared by the API and the public search page; no DRF here.
"""

from collections.abc import Callable, Iterable

from django.db import connections
from django.db.models import Count, QuerySet

from recommendations import counts
from recommendations.filters import (
    STATUS_NONE,
    GroupThrough,
    RecommendationFilterSet,
    SdgThrough,
    ThemeThrough,
    Through,
)
from recommendations.models import (
    SDG,
    AffectedGroup,
    ImplementationStatus,
    Recommendation,
    Response,
    Theme,
    ThemeScheme,
    ordinal,
)
from states.models import Bloc, BlocMembership, RegionalGroup, State

Facet = dict[str, object]


def _items(rows: Iterable[tuple], make: Callable[..., tuple[object, str]]) -> list[Facet]:
    items = []
    for *values, count in rows:
        if values[0] is None or (values[0] == "" and make is not _status):
            continue
        value, label = make(*values)
        items.append({"value": str(value), "label": label, "count": count})
    return sorted(items, key=lambda item: (-item["count"], item["value"]))


def _grouped(qs: QuerySet, *fields: str) -> list[tuple]:
    return list(qs.order_by().values(*fields).annotate(count=Count("*")).values_list(*fields, "count"))


def _labelled(per_id: QuerySet, select: str) -> list[tuple]:
    """`SELECT <select>`, where {counts} in `select` stands for `per_id` (rows of (id, count)) as x(id, n).

    Labels are joined after counting: counting by an integer id reads one narrow
    index and hashes integers, where joining the labels first (as the ORM would)
    joins every counted row and groups by text (seconds at a million rows).
    """
    sql, params = per_id.query.sql_with_params()
    with connections[per_id.db].cursor() as cursor:
        cursor.execute(f"SELECT {select.replace('{counts}', f'({sql}) AS x(id, n)')}", params)
        return cursor.fetchall()


def _per(qs: QuerySet, field: str) -> QuerySet:
    """(value of `field`, number of rows) for the rows of qs."""
    return qs.order_by().values(field).annotate(n=Count("*")).values_list(field, "n")


def _through(through, qs: QuerySet) -> QuerySet:
    if not qs.query.where:
        # No filter: every link counts, and a semi-join against the whole table would only cost time.
        return through.objects.all()
    return through.objects.filter(recommendation_id__in=qs.order_by().values("id"))


def _status(value: str) -> tuple[str, str]:
    if not value:
        return STATUS_NONE, "Not assessed"
    return value, ImplementationStatus(value).label


def _response(qs: QuerySet) -> list[Facet]:
    return _items(_grouped(qs, "response"), lambda v: (v, Response(v).label))


def _current_status(qs: QuerySet) -> list[Facet]:
    return _items(_grouped(qs, "current_status"), _status)


def _action_category(qs: QuerySet) -> list[Facet]:
    labels = dict(Recommendation.ActionCategory.choices)
    return _items(_grouped(qs, "action_category"), lambda v: (v, labels.get(v, str(v))))


def _kind(qs: QuerySet) -> list[Facet]:
    return _items(_grouped(qs, "kind"), lambda v: (v, Recommendation.Kind(v).label))


# Cycle, session and year: rows counted per review, then per what the review's session says.
_SESSIONS = (
    "{counts} JOIN recommendations_review rv ON rv.id = x.id "
    "JOIN recommendations_session se ON se.id = rv.session_id JOIN recommendations_cycle cy ON cy.id = se.cycle_id"
)


def _cycle(qs: QuerySet) -> list[Facet]:
    rows = _labelled(_per(qs, "review_id"), f"cy.number, sum(x.n)::bigint FROM {_SESSIONS} GROUP BY cy.number")
    return _items(rows, lambda n: (n, f"Cycle {n}"))


def _session(qs: QuerySet) -> list[Facet]:
    select = f"se.number, se.start_date, sum(x.n)::bigint FROM {_SESSIONS} GROUP BY se.number, se.start_date"
    return _items(
        _labelled(_per(qs, "review_id"), select), lambda n, start: (n, f"{ordinal(n)} session ({start.year})")
    )


def _year(qs: QuerySet) -> list[Facet]:
    select = f"extract(year FROM se.start_date)::int AS y, sum(x.n)::bigint FROM {_SESSIONS} GROUP BY y"
    return _items(_labelled(_per(qs, "review_id"), select), lambda y: (y, str(y)))


def _state_under_review(qs: QuerySet) -> list[Facet]:
    select = "s.iso3, s.name, x.n FROM {counts} JOIN states_state s ON s.id = x.id"
    return _items(_labelled(_per(qs, "state_under_review_id"), select), lambda c, n: (c, n))


def _regional_group(qs: QuerySet) -> list[Facet]:
    select = (
        "g.code, g.name, sum(x.n)::bigint FROM {counts} JOIN states_state s ON s.id = x.id "
        "JOIN states_regionalgroup g ON g.id = s.regional_group_id GROUP BY g.code, g.name"
    )
    return _items(_labelled(_per(qs, "state_under_review_id"), select), lambda c, n: (c, n))


def _recommending_state(qs: QuerySet) -> list[Facet]:
    select = "s.iso3, s.name, x.n FROM {counts} JOIN states_state s ON s.id = x.id"
    return _items(_labelled(_per(_through(Through, qs), "state_id"), select), lambda c, n: (c, n))


def _distinct_recommendations(links: QuerySet, group: str, table: str) -> list[tuple]:
    """(code, name, recommendations) per group of recommending States: a recommendation counts once per group
    however many of its recommending States belong to it."""
    pairs = links.order_by().values_list("recommendation_id", group).distinct()
    sql, params = pairs.query.sql_with_params()
    select = f"g.code, g.name, count(*) FROM ({sql}) AS x(r, id) JOIN {table} g ON g.id = x.id GROUP BY g.code, g.name"
    with connections[links.db].cursor() as cursor:
        cursor.execute(f"SELECT {select}", params)
        return cursor.fetchall()


def _recommending_regional_group(qs: QuerySet) -> list[Facet]:
    rows = _distinct_recommendations(_through(Through, qs), "state__regional_group_id", "states_regionalgroup")
    return _items(rows, lambda c, n: (c, n))


def _bloc(qs: QuerySet) -> list[Facet]:
    rows = _distinct_recommendations(_through(Through, qs), "state__bloc_memberships__bloc_id", "states_bloc")
    return _items(rows, lambda c, n: (c, n))


def _theme(qs: QuerySet) -> list[Facet]:
    select = (
        "sc.slug, th.slug, th.name, x.n FROM {counts} JOIN recommendations_theme th ON th.id = x.id "
        "JOIN recommendations_themescheme sc ON sc.id = th.scheme_id"
    )
    rows = _labelled(_per(_through(ThemeThrough, qs), "theme_id"), select)
    return _items(rows, lambda scheme, slug, name: (f"{scheme}:{slug}", name))


def _affected_group(qs: QuerySet) -> list[Facet]:
    select = "g.slug, g.name, x.n FROM {counts} JOIN recommendations_affectedgroup g ON g.id = x.id"
    return _items(
        _labelled(_per(_through(GroupThrough, qs), "affectedgroup_id"), select), lambda slug, name: (slug, name)
    )


def _sdg(qs: QuerySet) -> list[Facet]:
    select = "g.number, g.name, x.n FROM {counts} JOIN recommendations_sdg g ON g.id = x.id"
    rows = _labelled(_per(_through(SdgThrough, qs), "sdg_id"), select)
    return _items(rows, lambda number, name: (number, f"SDG {number}: {name}"))


FACETS: dict[str, Callable[[QuerySet], list[Facet]]] = {
    "state_under_review": _state_under_review,
    "recommending_state": _recommending_state,
    "regional_group": _regional_group,
    "recommending_regional_group": _recommending_regional_group,
    "bloc": _bloc,
    "cycle": _cycle,
    "session": _session,
    "year": _year,
    "response": _response,
    "action_category": _action_category,
    "kind": _kind,
    "theme": _theme,
    "affected_group": _affected_group,
    "sdg": _sdg,
    "status": _current_status,
}


def unknown_facets(names: Iterable[str]) -> list[str]:
    return [name for name in names if name not in FACETS]


def facet_counts(
    filterset: RecommendationFilterSet, names: Iterable[str], *, version: counts.DataVersion | None = None
) -> dict[str, list[Facet]]:
    """Counts per value for each named facet; `filterset` must be valid.

    Cached per facet (recommendations/counts.py) under the filters it is computed
    with (all but its own) and the version of what it reads: one query for the data
    version (none when the request pinned it), then one query per facet missing.
    """
    names = list(dict.fromkeys(names))
    version = counts.data_version() if version is None else version
    cleaned = filterset.form.cleaned_data
    base = Recommendation.objects.all()
    entries = {
        name: (f"facet:{name}\0{counts.normalised(cleaned, drop=('ordering', name))}", _version(name, cleaned, version))
        for name in names
    }

    def compute(missing: list[str]) -> dict[str, list[Facet]]:
        return {name: FACETS[name](filterset.filter_queryset_except(base, name)) for name in missing}

    found = counts.cached_many(entries, compute)
    return {name: found[name] for name in names}


# What a facet reads when no other filter applies, i.e. over every recommendation: its counts
# stay valid until one of these tables changes (recording an assessment or a position changes
# recommendations, not their themes or recommending States). Under filters, a facet reads
# what the filters read too, and is keyed on the whole data version.
_STATES = (State._meta.db_table,)
_READS_UNFILTERED = {
    "recommending_state": (Through._meta.db_table, *_STATES),
    "recommending_regional_group": (Through._meta.db_table, *_STATES, RegionalGroup._meta.db_table),
    "bloc": (Through._meta.db_table, *_STATES, Bloc._meta.db_table, BlocMembership._meta.db_table),
    "theme": (ThemeThrough._meta.db_table, Theme._meta.db_table, ThemeScheme._meta.db_table),
    "affected_group": (GroupThrough._meta.db_table, AffectedGroup._meta.db_table),
    "sdg": (SdgThrough._meta.db_table, SDG._meta.db_table),
}


def _version(name: str, cleaned: dict, version: counts.DataVersion) -> str | None:
    if not version.cacheable:
        return None
    filtered = any(value not in (None, "", [], ()) for key, value in cleaned.items() if key not in ("ordering", name))
    return version.key(None if filtered else _READS_UNFILTERED.get(name))
