"""Facet counts for recommendation searches: how many results each value of a filter would give.

Conventional faceting: the counts for facet X are computed with every filter
applied except X's own, so they show what choosing another (or one more)
value of X would give, while the other facets narrow. Each facet is one
GROUP BY query, whatever the number of values. Values are exactly what the
filter of the same name accepts.

Shared by the API and the public search page; no DRF here.
"""

from collections.abc import Callable, Iterable

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear

from recommendations import counts
from recommendations.filters import (
    STATUS_NONE,
    GroupThrough,
    RecommendationFilterSet,
    SdgThrough,
    ThemeThrough,
    Through,
)
from recommendations.models import ImplementationStatus, Recommendation, Response, ordinal

Facet = dict[str, object]


def _items(rows: Iterable[tuple], make: Callable[..., tuple[object, str]]) -> list[Facet]:
    items = []
    for *values, count in rows:
        if values[0] is None or (values[0] == "" and make is not _status):
            continue
        value, label = make(*values)
        items.append({"value": str(value), "label": label, "count": count})
    return sorted(items, key=lambda item: (-item["count"], item["value"]))


def _grouped(qs: QuerySet, *fields: str, distinct: str | None = None) -> list[tuple]:
    count = Count(distinct, distinct=True) if distinct else Count("*")
    return list(qs.order_by().values(*fields).annotate(count=count).values_list(*fields, "count"))


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


def _cycle(qs: QuerySet) -> list[Facet]:
    return _items(_grouped(qs, "review__session__cycle__number"), lambda n: (n, f"Cycle {n}"))


def _session(qs: QuerySet) -> list[Facet]:
    rows = _grouped(qs, "review__session__number", "review__session__start_date")
    return _items(rows, lambda n, start: (n, f"{ordinal(n)} session ({start.year})"))


def _year(qs: QuerySet) -> list[Facet]:
    rows = _grouped(qs.annotate(facet_year=ExtractYear("review__session__start_date")), "facet_year")
    return _items(rows, lambda y: (y, str(y)))


def _state_under_review(qs: QuerySet) -> list[Facet]:
    return _items(_grouped(qs, "state_under_review__iso3", "state_under_review__name"), lambda c, n: (c, n))


def _regional_group(qs: QuerySet) -> list[Facet]:
    rows = _grouped(qs, "state_under_review__regional_group__code", "state_under_review__regional_group__name")
    return _items(rows, lambda c, n: (c, n))


def _recommending_state(qs: QuerySet) -> list[Facet]:
    return _items(_grouped(_through(Through, qs), "state__iso3", "state__name"), lambda c, n: (c, n))


def _recommending_regional_group(qs: QuerySet) -> list[Facet]:
    fields = ("state__regional_group__code", "state__regional_group__name")
    rows = _grouped(_through(Through, qs), *fields, distinct="recommendation_id")
    return _items(rows, lambda c, n: (c, n))


def _bloc(qs: QuerySet) -> list[Facet]:
    fields = ("state__bloc_memberships__bloc__code", "state__bloc_memberships__bloc__name")
    rows = _grouped(_through(Through, qs), *fields, distinct="recommendation_id")
    return _items(rows, lambda c, n: (c, n))


def _theme(qs: QuerySet) -> list[Facet]:
    rows = _grouped(_through(ThemeThrough, qs), "theme__scheme__slug", "theme__slug", "theme__name")
    return _items(rows, lambda scheme, slug, name: (f"{scheme}:{slug}", name))


def _affected_group(qs: QuerySet) -> list[Facet]:
    rows = _grouped(_through(GroupThrough, qs), "affectedgroup__slug", "affectedgroup__name")
    return _items(rows, lambda slug, name: (slug, name))


def _sdg(qs: QuerySet) -> list[Facet]:
    rows = _grouped(_through(SdgThrough, qs), "sdg__number", "sdg__name")
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
    filterset: RecommendationFilterSet, names: Iterable[str], *, version: str | None = None
) -> dict[str, list[Facet]]:
    """Counts per value for each named facet; `filterset` must be valid.

    Cached (recommendations/counts.py): one query for the data version, then
    on a miss one GROUP BY per facet.
    """
    names = list(dict.fromkeys(names))
    base = Recommendation.objects.all()
    version = counts.data_version() if version is None else version

    def compute() -> dict[str, list[Facet]]:
        return {name: FACETS[name](filterset.filter_queryset_except(base, name)) for name in names}

    key = f"{sorted(names)}\0{counts.normalised(filterset.form.cleaned_data)}"
    found = counts.cached("facets", key, version, compute)
    return {name: found[name] for name in names}
