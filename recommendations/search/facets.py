"""Facet counts for recommendation searches: how many results each value of a filter would give.

Conventional faceting: the counts for facet X are computed with every filter
applied except X's own, so they show what choosing another (or one more)
value of X would give, while the other facets narrow. They come from the
count index (search/index/): bitmap intersections, exact and fast under any
filters, with nothing cached. Values are exactly what the filter of the same
name accepts; labels come from the reference tables in memory.

Shared by the API and the public search page; no DRF here.
"""

import re
from collections.abc import Callable, Iterable

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
from recommendations.search.filters import STATUS_NONE, RecommendationFilterSet
from recommendations.search.index.counting import Search

Facet = dict[str, object]


def _items(rows: Iterable[tuple], make: Callable[..., tuple[object, str]]) -> list[Facet]:
    items = []
    # Labels as the code and the database write them (English), whatever language is active: facet_counts
    # names reference rows in the reader's language afterwards
    # (_in_language); the public site words the choices by value (site/search/facets.py).
    with translation.override(None):
        for values, count in rows:
            if values[0] is None or (values[0] == "" and make is not _status):
                continue
            value, label = make(*values)
            items.append({"value": str(value), "label": str(label), "count": count})
    return sorted(items, key=lambda item: (-item["count"], item["value"]))


def _status(value: str) -> tuple[str, str]:
    if not value:
        return STATUS_NONE, STATUS_LABELS[""]
    return value, ImplementationStatus(value).label


_ACTION_LABELS = dict(Recommendation.ActionCategory.choices)
_CODE_AND_NAME = lambda code, name: (code, name)  # noqa: E731

# Each facet: how the parts naming one of its values (search/index/counting.py) become the value the filter
# of the same name accepts and its label.
FACETS: dict[str, Callable[..., tuple[object, str]]] = {
    "state_under_review": _CODE_AND_NAME,
    "recommending_state": _CODE_AND_NAME,
    "regional_group": _CODE_AND_NAME,
    "recommending_regional_group": _CODE_AND_NAME,
    "bloc": _CODE_AND_NAME,
    "cycle": lambda n: (n, f"Cycle {n}"),
    "session": lambda n, year: (n, f"{ordinal(n)} session ({year})"),
    "year": lambda y: (y, str(y)),
    "response": lambda v: (v, Response(v).label),
    "action_category": lambda v: (v, _ACTION_LABELS.get(v, str(v))),
    "kind": lambda v: (v, Recommendation.Kind(v).label),
    "theme": lambda scheme, slug, name: (f"{scheme}:{slug}", name),
    "affected_group": _CODE_AND_NAME,
    "sdg": lambda number, name: (number, f"SDG {number}: {name}"),
    "status": _status,
}


def unknown_facets(names: Iterable[str]) -> list[str]:
    return [name for name in names if name not in FACETS]


def facet_counts(
    filterset: RecommendationFilterSet,
    names: Iterable[str],
    *,
    version: counts.DataVersion | None = None,
    search: Search | None = None,
) -> dict[str, list[Facet]]:
    """Counts per value for each named facet; `filterset` must be valid. From the count index (exact, no
    cache needed: search/index/); `search` when the caller already has one for the same filters."""
    search = Search(filterset, version) if search is None else search
    found = {name: _items(search.counts(name), FACETS[name]) for name in dict.fromkeys(names)}
    return _in_language(found)


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
