"""The public search page (/recommendations/): the API's FilterSet and facets, laid out for people.

Nothing here filters on its own: the page parses its query string with
`RecommendationFilterSet` (recommendations/search/filters.py), so the page's URL and
the API's use the same parameter names and values, and a page's results are
exactly what `/api/v1/recommendations/export.csv?<same query>` exports. This
module adds what only a page needs: offset pages capped for humans, labels for
facets and active filters, highlighted snippets, and — when nothing matches —
how many results dropping each filter would give.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.localized import and_list
from recommendations.imports.export import XLSX_MAX_ROWS
from recommendations.models import Recommendation
from recommendations.search import lookups
from recommendations.search.filters import Q_MAX_LENGTH, RecommendationFilterSet
from recommendations.search.index.counting import Search
from recommendations.search.labels import Label
from recommendations.search.params import PAGE_PARAM, PARAM_LABELS
from recommendations.search.text import Hints, hints
from recommendations.site.search.facets import FACET_ORDER, Facet, facets_for
from recommendations.site.search.text import Suggestion, highlighted_texts, suggestions

PAGE_SIZE = 25
MAX_PAGES = 200  # offset pages are for people; deeper reading is what the export and the API are for

# Public ordering values (the API's `ordering`) offered in the sort menu, in menu order.
ORDERINGS = [
    ("-rank", _("Best match")),
    ("-session", _("Newest session first")),
    ("session", _("Oldest session first")),
    ("state_under_review", _("State under review, A to Z")),
    ("-action_category", _("Most specific action first")),
    ("-updated_at", _("Recently updated")),
]
DEFAULT_ORDERING = "-session"
CODE_PARAMS = {"state_under_review", "recommending_state", "regional_group", "recommending_regional_group", "bloc"}


@dataclass
class ActiveFilter:
    name: str
    label: str
    value: str
    value_label: str


@dataclass
class Hint:
    """What dropping one filter would give when nothing matches."""

    name: str
    label: str
    count: int


@dataclass
class SearchPage:
    params: QueryDict
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (parameter, its label, message)
    q: str = ""
    ordering: str = ""
    orderings: list = field(default_factory=list)
    page: Page | None = None
    results: list[Recommendation] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    active: list[ActiveFilter] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    expanded: Hints | None = None  # what the search words also looked for (search/text.py)

    @property
    def expanded_labels(self) -> list[str]:
        """ "Also matched the theme Women's rights." for each label the search words name, in the page's language."""
        if self.expanded is None:
            return []
        reference = lookups.localized()
        names: dict[str, list[str]] = {}
        for label in self.expanded.labels:
            names.setdefault(label.kind, []).append(_label_name(reference, label))
        return [
            str(ALSO_MATCHED[kind] % {"number": len(found), "names": and_list(found)})
            for kind in ALSO_MATCHED
            if (found := names.get(kind))
        ]

    @property
    def total(self) -> int:
        return self.page.paginator.count if self.page else 0

    @property
    def last_page(self) -> int:
        return min(self.page.paginator.num_pages, MAX_PAGES) if self.page else 1

    @property
    def capped(self) -> bool:
        return bool(self.page) and self.page.paginator.num_pages > MAX_PAGES

    @property
    def max_pages(self) -> int:
        return MAX_PAGES

    @property
    def page_numbers(self) -> list[int | None]:
        """Page links to show: first, last and two either side of the current page; None marks a gap."""
        if not self.page:
            return []
        current, last = self.page.number, self.last_page
        wanted = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
        numbers: list[int | None] = []
        for number in wanted:
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers

    @property
    def hidden(self) -> list[tuple[str, str]]:
        """Parameters no control on the page shows (e.g. updated_since), carried along when the form is sent."""
        shown = {"q", "ordering", PAGE_PARAM, *(name for name, _label, _message in self.errors)}
        if not self.errors:
            shown.update(FACET_ORDER)  # the facets' checkboxes carry these
        return [(name, value) for name, values in self.params.lists() if name not in shown for value in values]

    @property
    def export_query(self) -> str:
        query = self.params.copy()
        query.pop(PAGE_PARAM, None)
        return query.urlencode()

    def _export_url(self, name: str) -> str:
        url = reverse(name)
        return f"{url}?{self.export_query}" if self.export_query else url

    @property
    def export_csv(self) -> str:
        """The CSV export, when an anonymous visitor may export this many rows (EXPORT_ANON_MAX_ROWS)."""
        return self._export_url("api:recommendation-export-csv") if self.total <= self.export_max_rows else ""

    @property
    def export_csv_excel(self) -> str:
        """The CSV export with a byte-order mark, which Excel needs to read UTF-8 (docs/api.md, Exports)."""
        url = self.export_csv
        return f"{url}{'&' if '?' in url else '?'}bom=true" if url else ""

    @property
    def export_max_rows(self) -> int:
        return settings.EXPORT_ANON_MAX_ROWS

    @property
    def export_xlsx(self) -> str:
        """The spreadsheet export, when the API accepts this many rows as XLSX."""
        return self._export_url("api:recommendation-export-xlsx") if self.total <= XLSX_MAX_ROWS else ""


def clean_params(query: QueryDict) -> QueryDict:
    """The query without blank values, keeping repeats and order: what links on the page build on."""
    params = QueryDict(mutable=True)
    for name, values in query.lists():
        kept = [value.strip() for value in values if value.strip()]
        if name in CODE_PARAMS:
            kept = [value.upper() for value in kept]  # the API reads codes in any case; facets list them upper
        if kept and name in PARAM_LABELS:
            params.setlist(name, kept)
    if params.get("ordering") == "-rank" and not params.get("q"):
        # Left over after the search words were cleared: fall back to the default order, no error.
        del params["ordering"]
    return params


def run(query: QueryDict) -> SearchPage:
    """Everything the search page shows for one query string.

    Raises Http404 for a page number past the last page; invalid parameters come
    back as `errors` (the view answers 400 and shows them next to the form).
    """
    params = clean_params(query)
    filterset = RecommendationFilterSet(data=_with_default_ordering(params), queryset=Recommendation.objects.all())
    page_number, page_error = _page_number(params)
    # Search words are quoted back into the search box, which holds Q_MAX_LENGTH characters: never a megabyte.
    result = SearchPage(params=params, q=params.get("q", "")[:Q_MAX_LENGTH], ordering=_ordering(params))
    result.orderings = _orderings(result.q, result.ordering)
    if not filterset.is_valid() or page_error:
        result.errors = _errors(filterset, page_error)
        return result
    search = Search(filterset)
    result.page = _page(filterset, page_number, search)
    result.results = _with_snippets(list(result.page.object_list), filterset.search_text)
    result.suggestions = _with_queries(suggestions(filterset.search_text), params)
    result.expanded = hints(filterset.search_node)
    result.facets = facets_for(filterset, search=search)
    result.active = _active_filters(filterset, result.facets)
    if not result.total and result.active:
        result.hints = _hints(search, result.active)
    return result


# One sentence per kind of label ("Also matched the affected groups Women and Women & girls.").
ALSO_MATCHED = {
    "theme": ngettext_lazy("Also matched the theme %(names)s.", "Also matched the themes %(names)s.", "number"),
    "affected_group": ngettext_lazy(
        "Also matched the affected group %(names)s.", "Also matched the affected groups %(names)s.", "number"
    ),
    "sdg": ngettext_lazy("Also matched the SDG %(names)s.", "Also matched the SDGs %(names)s.", "number"),
}


def _label_name(reference: lookups.Lookups, label: Label) -> str:
    if label.kind == "theme":
        return reference.themes[label.id][1]["name"]
    if label.kind == "affected_group":
        return reference.affected_groups[label.id][2]
    _position, number, name = reference.sdgs[label.id]
    return f"{number}. {name}"


def _with_queries(found: list[Suggestion], params: QueryDict) -> list[Suggestion]:
    """Link each suggestion to the current filters plus it, without the words; drop those already chosen."""
    found = [suggestion for suggestion in found if suggestion.value not in params.getlist(suggestion.name)]
    for suggestion in found:
        query = params.copy()
        for name in ("q", "ordering", PAGE_PARAM):
            query.pop(name, None)
        query.appendlist(suggestion.name, suggestion.value)
        suggestion.query = query.urlencode()
    return found


def _orderings(q: str, current: str) -> list[tuple[str, str, bool]]:
    """Sort menu options as (parameter value, label, selected); the default is sent blank and left out of URLs."""
    default = "-rank" if q else DEFAULT_ORDERING
    return [
        ("" if value == default else value, label, value == current)
        for value, label in ORDERINGS
        if value != "-rank" or q
    ]


def _ordering(params: QueryDict) -> str:
    return params.get("ordering") or ("-rank" if params.get("q") else DEFAULT_ORDERING)


def _with_default_ordering(params: QueryDict) -> QueryDict:
    """People expect the newest reviews first; the API's default (id) suits syncing, not reading."""
    if "ordering" in params or "q" in params:
        return params
    data = params.copy()
    data["ordering"] = DEFAULT_ORDERING
    return data


def _page_number(params: QueryDict) -> tuple[int, str]:
    raw = params.get(PAGE_PARAM, "1")
    if not re.fullmatch(r"[0-9]{1,6}", raw) or int(raw) < 1:
        return 1, str(_("Enter a page number, 1 or more."))
    if int(raw) > MAX_PAGES:
        return 1, str(
            _("Only the first %(max)d pages are shown. Narrow the search, or export the results.") % {"max": MAX_PAGES}
        )
    return int(raw), ""


def _errors(filterset: RecommendationFilterSet, page_error: str) -> list[tuple[str, str, str]]:
    errors = [
        (name, str(PARAM_LABELS.get(name, name)), message)
        for name, messages in filterset.form.errors.items()
        for message in messages
    ]
    if page_error:
        errors.append((PAGE_PARAM, str(PARAM_LABELS[PAGE_PARAM]), page_error))
    return errors


def _page(filterset: RecommendationFilterSet, number: int, search: Search) -> Page:
    """The page's rows, then two prefetches for what each row lists; the total comes from the count index.

    The search vector is left out: nothing shows it, and it is the widest column, which an ordering that
    sorts a whole session's rows (newest session first, no filter) carried through the sort.
    """
    paginator = Paginator(_Ordered(filterset, search), PAGE_SIZE)
    paginator.count = search.total()
    try:
        return paginator.page(number)
    except EmptyPage:
        raise Http404("No such page of results.") from None


class _Ordered:
    """The matches in the page's order, sliced by the paginator: the ids of a slice from the count index
    when it holds the order (by session, the default), then their rows by id; else PostgreSQL's sort."""

    def __init__(self, filterset: RecommendationFilterSet, search: Search) -> None:
        self.filterset, self.search = filterset, search

    def __getitem__(self, part: slice) -> list[Recommendation]:
        ids = self.search.ordered_ids(self.filterset.ordering_keys(), part.start, part.stop)
        if ids is None:
            return list(self.search.sorted_by_postgresql().defer("search_vector").with_related()[part])
        rows = Recommendation.objects.filter(id__in=ids).defer("search_vector").with_related().in_bulk()
        return [rows[pk] for pk in ids if pk in rows]


def _with_snippets(rows: list[Recommendation], text: str) -> list[Recommendation]:
    """Attach the text with its matches marked (one query for the page) when there is a full-text search."""
    snippets = highlighted_texts([row.pk for row in rows], text) if text and rows else {}
    for row in rows:
        row.snippet = snippets.get(row.pk, "")
    return rows


def _active_filters(filterset: RecommendationFilterSet, facets: list[Facet]) -> list[ActiveFilter]:
    labels = {(facet.name, option.value): option.label for facet in facets for option in facet.options}
    active = []
    for name, values in filterset.data.lists():
        if name in {"ordering", PAGE_PARAM} or name not in filterset.filters:
            continue
        for value in values:
            shown = labels.get((name, value)) or labels.get((name, value.upper())) or value
            active.append(ActiveFilter(name, str(PARAM_LABELS.get(name, name)), value, shown))
    return active


def _hints(search: Search, active: list[ActiveFilter]) -> list[Hint]:
    """For each active parameter, how many recommendations match without it (from the count index)."""
    names = list(dict.fromkeys(item.name for item in active))
    hints = [Hint(name, str(PARAM_LABELS.get(name, name)), search.total(without=name)) for name in names]
    return sorted(hints, key=lambda hint: -hint.count)
