"""The search page's facets: the API's counts (recommendations/search/facets.py), labelled and ordered for reading."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from recommendations.models import RESPONSE_LABELS, STATUS_LABELS, ImplementationStatus, Recommendation, Response
from recommendations.search.facets import facet_counts
from recommendations.search.filters import STATUS_NONE, RecommendationFilterSet
from recommendations.search.index.counting import Search
from recommendations.search.params import PARAM_LABELS


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption]
    shown: int = 8  # options visible before "show all"

    @property
    def selected(self) -> list[FacetOption]:
        return [option for option in self.options if option.selected]

    @property
    def first(self) -> list[FacetOption]:
        return self.options[: self.shown]

    @property
    def rest(self) -> list[FacetOption]:
        return self.options[self.shown :]

    @property
    def is_active(self) -> bool:
        return any(option.selected for option in self.options)


# The facets the page shows, in order (the first four start unfolded), and how their options are sorted:
# small fixed lists keep their natural order so options do not jump; long lists go by count.
FACET_ORDER = [
    "response",
    "theme",
    "state_under_review",
    "status",
    "recommending_state",
    "cycle",
    "session",
    "year",
    "action_category",
    "affected_group",
    "sdg",
    "regional_group",
    "recommending_regional_group",
    "bloc",
]
NATURAL_ORDER = {
    "response": [*Response.values],
    "status": [*ImplementationStatus.values, STATUS_NONE],
    "cycle": None,  # ascending numbers
    "action_category": None,
    "sdg": None,
    "session": "descending",
    "year": "descending",
}


def facets_for(filterset: RecommendationFilterSet, *, search: Search | None = None) -> list[Facet]:
    """The API's facet counts (from the count index), relabelled and sorted for reading."""
    counts = facet_counts(filterset, FACET_ORDER, search=search)
    facets = []
    for name in FACET_ORDER:
        selected = filterset.data.getlist(name)
        options = [
            FacetOption(item["value"], _option_label(name, item), item["count"], item["value"] in selected)
            for item in counts[name]
        ]
        known = {option.value for option in options}
        # A chosen value nothing matches under the other filters stays visible, so it can be unticked.
        options += [FacetOption(value, value, 0, True) for value in selected if value not in known]
        facets.append(Facet(name, str(PARAM_LABELS[name]), _sorted_options(name, options)))
    return facets


def _option_label(name: str, item: dict) -> str:
    value = item["value"]
    if name == "response":
        return str(RESPONSE_LABELS.get(value, item["label"]))
    if name == "status":
        return str(STATUS_LABELS.get("" if value == STATUS_NONE else value, item["label"]))
    if name == "action_category" and _is_number(value) and int(value) in Recommendation.ActionCategory.values:
        return str(Recommendation.ActionCategory(int(value)).public_label)
    if name == "kind" and value in Recommendation.Kind.values:
        return str(Recommendation.Kind(value).label)
    if name == "cycle":
        return _("Cycle %(number)s") % {"number": value}
    return str(item["label"])


def _sorted_options(name: str, options: list[FacetOption]) -> list[FacetOption]:
    if name not in NATURAL_ORDER:
        # Long lists by count (as the API sorts them), chosen values first so they are easy to untick.
        return sorted(options, key=lambda option: not option.selected)
    order = NATURAL_ORDER[name]
    if isinstance(order, list):
        return sorted(options, key=lambda option: order.index(option.value) if option.value in order else len(order))
    numeric = [option for option in options if _is_number(option.value)]
    others = [option for option in options if not _is_number(option.value)]
    return sorted(numeric, key=lambda option: int(option.value), reverse=order == "descending") + others


def _is_number(value: str) -> bool:
    return value.isascii() and value.isdigit()
