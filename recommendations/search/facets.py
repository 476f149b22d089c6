"""Facet counts for recommendation searches: how many results each value of a filter would give.

Conventional faceting: the counts for facet X are computed with every filter
applied except X's own, so they show what choosing another (or one more)
value of X would give, while the other facets narrow. The facets counted
under the same filters are one query (see _compute), whatever the number of
values: rows are counted per id (State, review, theme …) and labelled
afterwards. Values are exactly what the filter of the same name accepts.

Shared by the API and the public search page; no DRF here.
"""

import functools
import re
from collections.abc import Callable, Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.utils import translation
from django.utils.translation import gettext

from core import counts
from core.localized import language_key
from recommendations.models import (
    STATUS_LABELS,
    ImplementationStatus,
    Recommendation,
    Response,
    ordinal,
    sdg_label,
    session_label,
)
from recommendations.search import lookups
from recommendations.search.filters import (
    STATUS_NONE,
    GroupThrough,
    RecommendationFilterSet,
    SdgThrough,
    ThemeThrough,
    Through,
)

Facet = dict[str, object]
# A facet's SQL: given the name of the filtered recommendations' relation (None: every recommendation),
# a SELECT of two columns, the json array of the value's parts and the count.
FacetSql = Callable[[str | None], str]

RECOMMENDATIONS = Recommendation._meta.db_table
# What the facets read of the filtered recommendations (the relation {base} below).
BASE_COLUMNS = ("id", "review_id", "state_under_review_id", "response", "action_category", "kind", "current_status")


def _items(rows: Iterable[tuple], make: Callable[..., tuple[object, str]]) -> list[Facet]:
    items = []
    # Labels as the code and the database write them (English), whatever language is active: counts are
    # cached for every language. facet_counts names reference rows in the reader's language afterwards
    # (_in_language); the public site words the choices by value (site/search/facets.py).
    with translation.override(None):
        for values, count in rows:
            if values[0] is None or (values[0] == "" and make is not _status):
                continue
            value, label = make(*values)
            items.append({"value": str(value), "label": str(label), "count": count})
    return sorted(items, key=lambda item: (-item["count"], item["value"]))


def _column(column: str) -> FacetSql:
    """Rows counted per value of a column of the recommendation itself."""
    return lambda base: f"SELECT json_build_array({column}), count(*) FROM {base or RECOMMENDATIONS} GROUP BY {column}"


def _per(base: str | None, column: str) -> str:
    """Rows counted per id in a column of the recommendation, as x(id, n).

    Labels are joined after counting: counting by an integer id hashes integers, where
    joining the labels first joins every counted row and groups by text.
    """
    return f"(SELECT {column} AS id, count(*) AS n FROM {base or RECOMMENDATIONS} GROUP BY 1) x"


def _links(base: str | None, through, column: str) -> str:
    """Links of the recommendations counted per linked id, as x(id, n). Over every recommendation the
    links alone are counted: a join with the whole table would only cost time."""
    table = through._meta.db_table
    if base is None:
        return f"(SELECT {column} AS id, count(*) AS n FROM {table} GROUP BY 1) x"
    return (
        f"(SELECT t.{column} AS id, count(*) AS n FROM {table} t JOIN {base} b ON b.id = t.recommendation_id "
        "GROUP BY 1) x"
    )


def _status(value: str) -> tuple[str, str]:
    if not value:
        return STATUS_NONE, STATUS_LABELS[""]
    return value, ImplementationStatus(value).label


_ACTION_LABELS = dict(Recommendation.ActionCategory.choices)

# Cycle, session and year: rows counted per review, then per what the review's session says.
_SESSIONS = (
    "JOIN recommendations_review rv ON rv.id = x.id "
    "JOIN recommendations_session se ON se.id = rv.session_id JOIN recommendations_cycle cy ON cy.id = se.cycle_id"
)
_YEAR = "extract(year FROM se.start_date)::int"


def _per_review(select: str, group: str) -> FacetSql:
    return lambda base: f"SELECT {select}, sum(x.n)::bigint FROM {_per(base, 'review_id')} {_SESSIONS} GROUP BY {group}"


def _state_under_review(base: str | None) -> str:
    per_state = _per(base, "state_under_review_id")
    return f"SELECT json_build_array(s.iso3, s.name), x.n FROM {per_state} JOIN states_state s ON s.id = x.id"


def _regional_group(base: str | None) -> str:
    return (
        f"SELECT json_build_array(g.code, g.name), sum(x.n)::bigint FROM {_per(base, 'state_under_review_id')} "
        "JOIN states_state s ON s.id = x.id JOIN states_regionalgroup g ON g.id = s.regional_group_id "
        "GROUP BY g.code, g.name"
    )


def _recommending_state(base: str | None) -> str:
    per_state = _links(base, Through, "state_id")
    return f"SELECT json_build_array(s.iso3, s.name), x.n FROM {per_state} JOIN states_state s ON s.id = x.id"


def _per_group_of_recommending_states(group_join: str, group_id: str, table: str) -> FacetSql:
    """Per group of recommending States: a recommendation counts once per group however many of
    its recommending States belong to it."""

    def sql(base: str | None) -> str:
        restrict = "" if base is None else f"JOIN {base} b ON b.id = t.recommendation_id "
        return (
            f"SELECT json_build_array(g.code, g.name), count(*) FROM (SELECT DISTINCT t.recommendation_id, "
            f"{group_id} AS id FROM {Through._meta.db_table} t {restrict}{group_join}) x "
            f"JOIN {table} g ON g.id = x.id GROUP BY g.code, g.name"
        )

    return sql


def _theme(base: str | None) -> str:
    return (
        f"SELECT json_build_array(sc.slug, th.slug, th.name), x.n FROM {_links(base, ThemeThrough, 'theme_id')} "
        "JOIN recommendations_theme th ON th.id = x.id JOIN recommendations_themescheme sc ON sc.id = th.scheme_id"
    )


def _affected_group(base: str | None) -> str:
    per_group = _links(base, GroupThrough, "affectedgroup_id")
    groups = "recommendations_affectedgroup"
    return f"SELECT json_build_array(g.slug, g.name), x.n FROM {per_group} JOIN {groups} g ON g.id = x.id"


def _sdg(base: str | None) -> str:
    per_goal = _links(base, SdgThrough, "sdg_id")
    return f"SELECT json_build_array(g.number, g.name), x.n FROM {per_goal} JOIN recommendations_sdg g ON g.id = x.id"


# Each facet: its SQL, and how a row's value parts become the value the filter accepts and its label.
FACETS: dict[str, tuple[FacetSql, Callable[..., tuple[object, str]]]] = {
    "state_under_review": (_state_under_review, lambda code, name: (code, name)),
    "recommending_state": (_recommending_state, lambda code, name: (code, name)),
    "regional_group": (_regional_group, lambda code, name: (code, name)),
    "recommending_regional_group": (
        _per_group_of_recommending_states(
            "JOIN states_state s ON s.id = t.state_id", "s.regional_group_id", "states_regionalgroup"
        ),
        lambda code, name: (code, name),
    ),
    "bloc": (
        _per_group_of_recommending_states(
            "JOIN states_blocmembership m ON m.state_id = t.state_id", "m.bloc_id", "states_bloc"
        ),
        lambda code, name: (code, name),
    ),
    "cycle": (_per_review("json_build_array(cy.number)", "cy.number"), lambda n: (n, f"Cycle {n}")),
    "session": (
        _per_review(f"json_build_array(se.number, {_YEAR})", "se.number, se.start_date"),
        lambda n, year: (n, f"{ordinal(n)} session ({year})"),
    ),
    "year": (_per_review(f"json_build_array({_YEAR})", _YEAR), lambda y: (y, str(y))),
    "response": (_column("response"), lambda v: (v, Response(v).label)),
    "action_category": (_column("action_category"), lambda v: (v, _ACTION_LABELS.get(v, str(v)))),
    "kind": (_column("kind"), lambda v: (v, Recommendation.Kind(v).label)),
    "theme": (_theme, lambda scheme, slug, name: (f"{scheme}:{slug}", name)),
    "affected_group": (_affected_group, lambda slug, name: (slug, name)),
    "sdg": (_sdg, lambda number, name: (number, f"SDG {number}: {name}")),
    "status": (_column("current_status"), _status),
}


# Above this many rows (as the planner estimates them) the filtered rows are not materialised: each
# facet reads them again, which costs less than writing them out to a temporary store and back.
MATERIALISE_MAX_ROWS = 100_000


def _compute(filterset: RecommendationFilterSet, names: list[str]) -> dict[str, list[Facet]]:
    """The named facets' counts, in one statement per distinct set of filters they are counted under.

    A facet is counted under every filter but its own, so the facets whose own filter is not in
    use share one set of rows. When it is small, it is selected once (a MATERIALIZED common table
    expression) and each facet counts it, where a query per facet would select it again each time
    (about half the time for a search with several filters: bench/NOTES.md).
    Facets over every recommendation (no filter left) count the tables directly.
    """
    groups: dict[tuple[str, tuple] | None, list[str]] = {}
    found: dict[str, list[Facet]] = {}
    for name in names:
        qs = filterset.filter_queryset_except(Recommendation.objects.all(), name)
        if not qs.query.where:
            groups.setdefault(None, []).append(name)
            continue
        try:
            sql, params = qs.order_by().values(*BASE_COLUMNS).query.sql_with_params()
        except EmptyResultSet:  # a filter that nothing can match
            found[name] = []
            continue
        groups.setdefault((sql, tuple(params)), []).append(name)
    with connections[Recommendation.objects.db].cursor() as cursor:
        for key, members in groups.items():
            if key is None:
                base, prefix, params = None, "", ()
            else:
                sql, params = key
                materialised = len(members) > 1 and _estimated_rows(cursor, sql, params) <= MATERIALISE_MAX_ROWS
                prefix = f"WITH b AS {'' if materialised else 'NOT '}MATERIALIZED ({sql}) "
                base = "b"
            selects = " UNION ALL ".join(
                f"SELECT {index} AS facet, q.v, q.n FROM ({FACETS[name][0](base)}) AS q(v, n)"
                for index, name in enumerate(members)
            )
            cursor.execute(prefix + selects, params)
            rows: dict[int, list[tuple]] = {index: [] for index in range(len(members))}
            for index, values, count in cursor.fetchall():
                rows[index].append((values, count))
            for index, name in enumerate(members):
                found[name] = _items(rows[index], FACETS[name][1])
    return found


def _estimated_rows(cursor, sql: str, params: tuple) -> float:
    """How many rows the planner expects `sql` to return (planning only: a millisecond or two)."""
    cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
    return cursor.fetchone()[0][0]["Plan"]["Plan Rows"]  # psycopg decodes the json column


def unknown_facets(names: Iterable[str]) -> list[str]:
    return [name for name in names if name not in FACETS]


def facet_counts(
    filterset: RecommendationFilterSet, names: Iterable[str], *, version: counts.DataVersion | None = None
) -> dict[str, list[Facet]]:
    """Counts per value for each named facet; `filterset` must be valid.

    Cached per facet (core/counts.py) under the filters it is computed
    with (all but its own) and the version of what it reads: one query for the data
    version (none when the request pinned it), then one query per facet missing.
    """
    names = list(dict.fromkeys(names))
    version = counts.data_version() if version is None else version
    cleaned = filterset.form.cleaned_data
    entries = {
        name: (f"facet:{name}\0{counts.normalised(cleaned, drop=('ordering', name))}", _version(name, cleaned, version))
        for name in names
    }

    def compute(missing: list[str]) -> dict[str, list[Facet]]:
        return _compute(filterset, missing)

    found = counts.cached_many(entries, compute)
    return _in_language({name: found[name] for name in names})


def _in_language(found: dict[str, list[Facet]]) -> dict[str, list[Facet]]:
    """The facets with the names of States, groups, blocs, themes, affected groups and SDGs in the active
    language: counts are cached with English labels, relabelled here from the reference tables in memory
    (no query per value; none at all in English)."""
    if language_key() is None:
        return found
    reference = lookups.localized()
    return {
        name: [_relabelled(item, REFERENCE_LABELS[name], reference) for item in items]
        if name in REFERENCE_LABELS
        else [{**item, "label": CHOICE_LABELS[name](item)} for item in items]
        if name in CHOICE_LABELS
        else items
        for name, items in found.items()
    }


def _relabelled(item: Facet, label: Callable[[str, lookups.Lookups], str | None], reference: lookups.Lookups) -> Facet:
    return {**item, "label": label(item["value"], reference) or item["label"]}


def _first(ids: dict[str, list[int]], value: str) -> int | None:
    found = ids.get(value)
    return found[0] if found else None


def _state_label(iso3: str, reference: lookups.Lookups) -> str | None:
    pk = _first(reference.state_ids, iso3)
    return reference.states[pk][2] if pk in reference.states else None


def _theme_label(value: str, reference: lookups.Lookups) -> str | None:
    pk = _first(reference.theme_ids, value)
    return reference.themes[pk][1]["name"] if pk in reference.themes else None


def _group_label(slug: str, reference: lookups.Lookups) -> str | None:
    pk = _first(reference.affected_group_ids, slug)
    return reference.affected_groups[pk][2] if pk in reference.affected_groups else None


def _sdg_label(number: str, reference: lookups.Lookups) -> str | None:
    names = {str(goal): name for _position, goal, name in reference.sdgs.values()}
    return sdg_label(int(number), names[number]) if number in names else None


# The facets whose values name reference rows, and how to name a value in the reader's language.
REFERENCE_LABELS: dict[str, Callable[[str, lookups.Lookups], str | None]] = {
    "state_under_review": _state_label,
    "recommending_state": _state_label,
    "regional_group": lambda code, reference: reference.regional_group_names.get(code),
    "recommending_regional_group": lambda code, reference: reference.regional_group_names.get(code),
    "bloc": lambda code, reference: reference.bloc_names.get(code),
    "theme": _theme_label,
    "affected_group": _group_label,
    "sdg": _sdg_label,
}


_YEAR_IN_LABEL = re.compile(r"\((\d{4})\)$")


def _session_in_language(item: Facet) -> str:
    year = _YEAR_IN_LABEL.search(item["label"])
    return session_label(int(item["value"]), int(year.group(1))) if year else item["label"]


# The facets whose values are the code's own choices, worded again in the reader's language.
CHOICE_LABELS: dict[str, Callable[[Facet], str]] = {
    "cycle": lambda item: gettext("Cycle %(number)s") % {"number": item["value"]},
    "session": _session_in_language,
    "response": lambda item: str(Response(item["value"]).label),
    "action_category": lambda item: str(_ACTION_LABELS.get(int(item["value"]), item["label"])),
    "kind": lambda item: str(Recommendation.Kind(item["value"]).label),
    "status": lambda item: str(_status("" if item["value"] == STATUS_NONE else item["value"])[1]),
}


def unfiltered_reads(name: str) -> frozenset[str]:
    """The tables a facet reads when no other filter applies, i.e. over every recommendation: its counts stay
    valid until one of them changes (recording an assessment changes recommendations, not their themes or
    recommending States, so the costly facets per bloc and regional group survive it). Under filters, a
    facet reads what the filters read too, and is keyed on the whole data version.

    Read from the facet's own SQL, so it cannot drift from what runs; tests/core/test_cache_coverage.py
    compares it with the relations PostgreSQL's plan of that SQL reads.
    """
    return _named_tables(FACETS[name][0](None))


# A table name after FROM or JOIN; not a subquery "(SELECT", nor a column as in extract(year FROM se.start_date).
_TABLE_NAME = re.compile(r"\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)\b(?!\.)")


@functools.cache
def _named_tables(sql: str) -> frozenset[str]:
    return frozenset(_TABLE_NAME.findall(sql))


def _version(name: str, cleaned: dict, version: counts.DataVersion) -> str | None:
    if not version.cacheable:
        return None
    filtered = any(value not in (None, "", [], ()) for key, value in cleaned.items() if key not in ("ordering", name))
    return version.key(None if filtered else unfiltered_reads(name))
