"""The public contract for finding recommendations: parameter names, values and ordering.

`RecommendationFilterSet` is a plain django-filter FilterSet, used by the API
and by the public search pages alike. Repeating a parameter ORs its values
(`?response=supported&response=noted`); different parameters AND. Filters
across many-to-many relations use `id IN (subquery)` so rows never repeat and
no DISTINCT is needed. See docs/api.md for the documented contract.
"""

import django_filters
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from recommendations.models import (
    ImplementationStatus,
    Recommendation,
    Response,
)
from recommendations.search import fields as ff
from recommendations.search import lookups
from recommendations.search.query import Node, parse
from recommendations.search.text import condition, rank_expression

Through = Recommendation.recommending_states.through
ThemeThrough = Recommendation.themes.through
GroupThrough = Recommendation.affected_groups.through
SdgThrough = Recommendation.sdgs.through

Q_MAX_LENGTH = 200

# Public ordering key → the annotation or field the query orders on. Every
# ordering ends on id, so it is total and cursor pagination can resume after
# any row.
ORDERING_KEYS = {
    "id": "id",
    "session": "session_number",
    "state_under_review": "state_iso3",
    "action_category": "action_key",
    "updated_at": "updated_at",
    "created_at": "created_at",
    "rank": "rank",
}
_ORDERING_ANNOTATIONS = {
    "state_iso3": F("state_under_review__iso3"),
    "action_key": Coalesce("action_category", 0),
}

STATUS_NONE = "none"
STATUS_CHOICES = {**{value: value for value in ImplementationStatus.values}, STATUS_NONE: ""}
ACTION_CHOICES = {str(value): value for value in Recommendation.ActionCategory.values}


class ShallowCopiedFilter:
    """A filter whose copies share its form field.

    django-filter deep-copies every filter of a FilterSet for each request (to set the copy's
    `parent` and `model`), and Django deep-copies every form field for each form: some 40 fields
    and their widgets, a third of the Python time of an API page. Nothing here changes a filter or
    a field per request (the fields of filter_fields.py keep no state), so a copy is shallow and
    shares the field, made once.
    """

    def __deepcopy__(self, memo: dict) -> "ShallowCopiedFilter":
        self.field  # noqa: B018 -- made on the class's filter, so every copy shares it
        # What copy.copy does for a plain object, without its generic protocol: a tenth of the time, and
        # the FilterSet of a request copies all 19 filters.
        copied = type(self).__new__(type(self))
        copied.__dict__.update(self.__dict__)
        copied.method = self.method  # its FilterMethod looks the method up on the copy's parent
        return copied


class ValuesFilter(ShallowCopiedFilter, django_filters.Filter):
    """A repeatable parameter: any of its values matches (OR)."""

    def __init__(self, *args, field_class: type[ff.RepeatableField], **kwargs) -> None:
        self.field_class = field_class
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, **kwargs)


class DateTimeSinceFilter(ShallowCopiedFilter, django_filters.Filter):
    field_class = ff.ISODateTimeField


class OrderingParamFilter(ShallowCopiedFilter, django_filters.Filter):
    """Validated here, applied last by the FilterSet (after `q`, which ranking needs)."""

    field_class = ff.OrderingField

    def filter(self, qs: QuerySet, value) -> QuerySet:
        return qs


def m2m_ids(through, **lookups) -> QuerySet:
    return through.objects.filter(**lookups).values("recommendation_id")


class TextFilter(ShallowCopiedFilter, django_filters.CharFilter):
    field_class = ff.TextField


class SearchWordsFilter(TextFilter):
    field_class = ff.SearchWordsField


class FilterSet(django_filters.FilterSet):
    """A FilterSet whose form class is made once: its filters share their fields (ShallowCopiedFilter)."""

    def get_form_class(self) -> type:
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class


class RecommendationFilterSet(FilterSet):
    state_under_review = ValuesFilter(
        field_name="state_under_review", field_class=ff.StateField, help_text="ISO3 code of the State under review."
    )
    recommending_state = ValuesFilter(
        method="filter_recommending_state", field_class=ff.StateField, help_text="ISO3 code of a recommending State."
    )
    regional_group = ValuesFilter(
        field_name="state_under_review__regional_group",
        field_class=ff.RegionalGroupField,
        help_text="Regional group code of the State under review (AFRICAN, ASIA_PACIFIC, EEG, GRULAC, WEOG).",
    )
    recommending_regional_group = ValuesFilter(
        method="filter_recommending_regional_group",
        field_class=ff.RegionalGroupField,
        help_text="Regional group code of a recommending State.",
    )
    bloc = ValuesFilter(
        method="filter_bloc", field_class=ff.BlocField, help_text="Bloc code (EU, OIC, AU …) of a recommending State."
    )
    # Cycles and years are read as the session numbers they span (lookups.py), compared with the
    # recommendation's own copy of its session number: through the review, session and cycle the
    # planner could not tell that cycle 1 is the first sessions, and walked the newest-first index
    # from the last session down, filtering most of the table (bench/NOTES.md).
    cycle = ValuesFilter(
        method="filter_cycle",
        field_class=ff.IntegersField,
        minimum=1,
        maximum=99,
        noun="cycle",
        help_text="UPR cycle number.",
    )
    session = ValuesFilter(
        field_name="session_number",
        field_class=ff.IntegersField,
        minimum=1,
        maximum=999,
        noun="session",
        help_text="Working Group session number.",
    )
    year = ValuesFilter(
        method="filter_year",
        field_class=ff.IntegersField,
        minimum=1900,
        maximum=2999,
        noun="year",
        help_text="Year the Working Group session started.",
    )
    response = ValuesFilter(
        field_name="response",
        field_class=ff.ChoicesField,
        choices={value: value for value in Response.values},
        noun="response",
        help_text="The State under review's response.",
    )
    action_category = ValuesFilter(
        field_name="action_category",
        field_class=ff.ChoicesField,
        choices=ACTION_CHOICES,
        noun="action category",
        help_text="UPR Info action category, 1 to 5.",
    )
    kind = ValuesFilter(
        field_name="kind",
        field_class=ff.ChoicesField,
        choices={value: value for value in Recommendation.Kind.values},
        noun="kind",
        help_text="recommendation or voluntary_pledge.",
    )
    theme = ValuesFilter(
        method="filter_theme",
        field_class=ff.ThemeField,
        help_text="Theme slug (in any scheme) or scheme:slug (in one scheme).",
    )
    affected_group = ValuesFilter(
        method="filter_affected_group", field_class=ff.AffectedGroupField, help_text="Affected group slug."
    )
    sdg = ValuesFilter(
        method="filter_sdg",
        field_class=ff.IntegersField,
        minimum=1,
        maximum=17,
        noun="SDG",
        help_text="Sustainable Development Goal number.",
    )
    status = ValuesFilter(
        field_name="current_status",
        field_class=ff.ChoicesField,
        choices=STATUS_CHOICES,
        noun="status",
        help_text="Current implementation status, or none for recommendations never assessed.",
    )
    language = ValuesFilter(
        field_name="language",
        field_class=ff.LanguageField,
        help_text="ISO 639-1 code of the language of the text (en, fr, es …).",
    )
    q = SearchWordsFilter(
        method="filter_q",
        max_length=Q_MAX_LENGTH,
        help_text=(
            'Full-text search: words (stemmed, diacritics ignored), "a phrase", or / OR, AND, NOT / -word, '
            "parentheses, word* (prefix); words naming a theme, affected group or SDG also match what is "
            "classified under it. See docs/api.md."
        ),
    )
    updated_since = DateTimeSinceFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after this ISO 8601 date and time."
    )
    ordering = OrderingParamFilter(
        keys=ORDERING_KEYS,
        help_text="Comma-separated keys, - for descending; id is always added last.",
    )

    class Meta:
        model = Recommendation
        fields: list[str] = []

    def filter_cycle(self, qs: QuerySet, name: str, numbers: list[int]) -> QuerySet:
        sessions = lookups.current().sessions.values()
        return qs.filter(session_number__in=[session.number for session in sessions if session.cycle in numbers])

    def filter_year(self, qs: QuerySet, name: str, years: list[int]) -> QuerySet:
        sessions = lookups.current().sessions.values()
        return qs.filter(session_number__in=[session.number for session in sessions if session.year in years])

    def filter_recommending_state(self, qs: QuerySet, name: str, ids: list[int]) -> QuerySet:
        return qs.filter(id__in=m2m_ids(Through, state_id__in=ids))

    def filter_recommending_regional_group(self, qs: QuerySet, name: str, ids: list[int]) -> QuerySet:
        return qs.filter(id__in=m2m_ids(Through, state__regional_group_id__in=ids))

    def filter_bloc(self, qs: QuerySet, name: str, ids: list[int]) -> QuerySet:
        return qs.filter(id__in=m2m_ids(Through, state__bloc_memberships__bloc_id__in=ids))

    def filter_theme(self, qs: QuerySet, name: str, ids: list[int]) -> QuerySet:
        return qs.filter(id__in=m2m_ids(ThemeThrough, theme_id__in=ids))

    def filter_affected_group(self, qs: QuerySet, name: str, ids: list[int]) -> QuerySet:
        return qs.filter(id__in=m2m_ids(GroupThrough, affectedgroup_id__in=ids))

    def filter_sdg(self, qs: QuerySet, name: str, numbers: list[int]) -> QuerySet:
        return qs.filter(id__in=m2m_ids(SdgThrough, sdg__number__in=numbers))

    def filter_q(self, qs: QuerySet, name: str, text: str) -> QuerySet:
        node = parse(text)  # validated by the field; kept parsed (lru_cache)
        return qs.filter(condition(node)) if node is not None else qs

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return self.apply_ordering(super().filter_queryset(queryset))

    def filter_queryset_except(self, queryset: QuerySet, excluded: str) -> QuerySet:
        """Every filter but one and no ordering: what facet counts of `excluded` are computed on."""
        for name, value in self.form.cleaned_data.items():
            if name not in {excluded, "ordering"}:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def search_text(self) -> str:
        return self.form.cleaned_data.get("q") or ""

    @property
    def search_node(self) -> Node | None:
        """The parsed search words (None without any), once the form is valid."""
        return parse(self.search_text) if self.search_text else None

    def ordering_keys(self) -> list[str]:
        """The requested public ordering, or the default: rank for searches, updated_at for syncs, else id."""
        keys = list(self.form.cleaned_data.get("ordering") or [])
        if not keys:
            if self.search_node is not None:
                keys = ["-rank"]
            elif self.form.cleaned_data.get("updated_since"):
                keys = ["updated_at"]
        if not any(key.lstrip("-") == "id" for key in keys):
            keys.append("id")
        return keys

    def apply_ordering(self, queryset: QuerySet) -> QuerySet:
        order_by = []
        for key in self.ordering_keys():
            descending, column = key.startswith("-"), ORDERING_KEYS[key.lstrip("-")]
            if column == "rank":
                queryset = queryset.annotate(rank=rank_expression(self.search_node))
            elif column in _ORDERING_ANNOTATIONS:
                queryset = queryset.annotate(**{column: _ORDERING_ANNOTATIONS[column]})
            order_by.append(f"-{column}" if descending else column)
        return queryset.order_by(*order_by)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if valid and self.search_node is None and "rank" in {k.lstrip("-") for k in self.ordering_keys()}:
            self.form.add_error("ordering", _("Ordering by rank needs a full-text search (q)."))
            return False
        return valid
