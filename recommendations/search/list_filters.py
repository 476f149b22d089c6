"""Filters of the API's other lists: reviews, themes, assessments, evidence sources, deletions, the feed."""

from django.db.models import QuerySet

from recommendations.models import (
    DeletedObject,
    EvidenceSource,
    ImplementationAssessment,
    ImplementationStatus,
    Recommendation,
    Review,
    Theme,
)
from recommendations.search import fields as ff
from recommendations.search.filters import DateTimeSinceFilter, FilterSet, ValuesFilter, m2m_ids


class ReviewFilterSet(FilterSet):
    state_under_review = ValuesFilter(field_name="state", field_class=ff.StateField, help_text="ISO3 code.")
    session = ValuesFilter(
        field_name="session__number", field_class=ff.IntegersField, minimum=1, maximum=999, noun="session"
    )
    cycle = ValuesFilter(
        field_name="session__cycle__number", field_class=ff.IntegersField, minimum=1, maximum=99, noun="cycle"
    )
    updated_since = DateTimeSinceFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Review
        fields: list[str] = []


class AssessmentFilterSet(FilterSet):
    recommendation = ValuesFilter(
        field_name="recommendation_id",
        field_class=ff.IntegersField,
        minimum=1,
        maximum=999_999_999_999,
        noun="recommendation id",
    )
    organisation = ValuesFilter(
        field_name="organisation", field_class=ff.OrganisationField, help_text="Organisation slug."
    )
    status = ValuesFilter(
        field_name="status",
        field_class=ff.ChoicesField,
        choices={value: value for value in ImplementationStatus.values},
        noun="status",
    )
    state_under_review = ValuesFilter(
        field_name="recommendation__review__state", field_class=ff.StateField, help_text="ISO3 code."
    )
    updated_since = DateTimeSinceFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = ImplementationAssessment
        fields: list[str] = []


class EvidenceSourceFilterSet(FilterSet):
    kind = ValuesFilter(
        field_name="kind",
        field_class=ff.ChoicesField,
        choices={value: value for value in EvidenceSource.Kind.values},
        noun="kind",
    )
    updated_since = DateTimeSinceFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = EvidenceSource
        fields: list[str] = []


class ThemeFilterSet(FilterSet):
    scheme = ValuesFilter(field_name="scheme", field_class=ff.ThemeSchemeField, help_text="Theme scheme slug.")

    class Meta:
        model = Theme
        fields: list[str] = []


class DeletionFilterSet(FilterSet):
    since = DateTimeSinceFilter(
        field_name="deleted_at", lookup_expr="gte", help_text="Deleted at or after this ISO 8601 date and time."
    )
    kind = ValuesFilter(
        field_name="kind",
        field_class=ff.ChoicesField,
        choices={value: value for value in DeletedObject.Kind.values},
        noun="kind",
    )

    class Meta:
        model = DeletedObject
        fields: list[str] = []


class AssessmentFeedFilterSet(FilterSet):
    """The Atom feed's parameters: the State under review and the theme of the assessed recommendation."""

    state_under_review = ValuesFilter(
        field_name="recommendation__review__state", field_class=ff.StateField, help_text="ISO3 code."
    )
    theme = ValuesFilter(method="filter_theme", field_class=ff.ThemeField, help_text="slug or scheme:slug.")

    class Meta:
        model = ImplementationAssessment
        fields: list[str] = []

    def filter_theme(self, qs: QuerySet, name: str, ids: list[int]) -> QuerySet:
        return qs.filter(recommendation_id__in=m2m_ids(Recommendation.themes.through, theme_id__in=ids))
