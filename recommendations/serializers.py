"""API representations. Fields are listed explicitly: adding one is a compatible change, removing or
renaming one is a breaking change (docs/api.md)."""

import datetime
from collections.abc import Iterable

from django.db import connections
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recommendations.filters import MARK_START, MARK_STOP, headline_options
from recommendations.models import (
    SDG,
    SEARCH_CONFIG,
    AffectedGroup,
    Citation,
    Cycle,
    DeletedObject,
    EvidenceSource,
    ImplementationAssessment,
    ImplementationStatus,
    Organisation,
    Recommendation,
    Response,
    Review,
    Session,
    Theme,
    ThemeScheme,
)
from states.serializers import StateRefSerializer


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice stored as '' when unknown, shown as null."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)


@extend_schema_field({"type": "string", "format": "uri", "readOnly": True})
class LinkField(serializers.Field):
    """An object's absolute API URL, like HyperlinkedIdentityField, but reversed once per serializer.

    django.urls.reverse costs tens of microseconds; a page of 50 recommendations
    with their reviews would reverse 100 times. The URL is reversed once with a
    sentinel as the lookup value (the last path segment) and formatted per row.
    """

    def __init__(self, view_name: str, *, lookup_field: str = "pk", sentinel: str = "987654321", **kwargs) -> None:
        self.view_name, self.lookup_field, self.sentinel = view_name, lookup_field, sentinel
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, obj) -> str:
        prefix, suffix = self._template()
        return f"{prefix}{getattr(obj, self.lookup_field)}{suffix}"

    def _template(self) -> tuple[str, str]:
        if not hasattr(self, "_parts"):
            lookup_kwarg = "pk" if self.lookup_field == "pk" else self.lookup_field
            self._parts = link_template(self.view_name, self.context.get("request"), lookup_kwarg, self.sentinel)
        return self._parts


def link_template(
    view_name: str, request: HttpRequest | None, lookup_kwarg: str = "pk", sentinel: str = "987654321"
) -> tuple[str, str]:
    """(prefix, suffix) of an object's absolute API URL: the URL is prefix + lookup value + suffix."""
    path = reverse(view_name, kwargs={lookup_kwarg: sentinel})
    url = request.build_absolute_uri(path) if request is not None else path
    prefix, _, suffix = url.rpartition(sentinel)
    return prefix, suffix


class CycleSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:cycle-detail", lookup_field="number")

    class Meta:
        model = Cycle
        fields = ["url", "number", "start_year", "end_year"]


class SessionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:session-detail", lookup_field="number")
    cycle = serializers.IntegerField(source="cycle.number", read_only=True)
    year = serializers.IntegerField(read_only=True)

    class Meta:
        model = Session
        fields = ["url", "number", "cycle", "year", "start_date", "end_date"]


class ThemeSchemeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:themescheme-detail", lookup_field="slug")

    class Meta:
        model = ThemeScheme
        fields = ["url", "slug", "name", "version", "description"]


class ThemeRefSerializer(serializers.ModelSerializer):
    scheme = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Theme
        fields = ["id", "scheme", "code", "name", "slug"]


class ThemeSerializer(ThemeRefSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:theme-detail")
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Theme
        fields = ["url", "id", "scheme", "code", "name", "slug", "parent"]


class AffectedGroupSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:affectedgroup-detail", lookup_field="slug")

    class Meta:
        model = AffectedGroup
        fields = ["url", "slug", "name"]


class AffectedGroupRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AffectedGroup
        fields = ["slug", "name"]


class SDGSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:sdg-detail", lookup_field="number")

    class Meta:
        model = SDG
        fields = ["url", "number", "name"]


class SDGRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = SDG
        fields = ["number", "name"]


class ReviewSerializer(serializers.ModelSerializer):
    url = LinkField("api:review-detail")
    state_under_review = StateRefSerializer(source="state", read_only=True)
    session = serializers.IntegerField(source="session.number", read_only=True)
    cycle = serializers.IntegerField(source="session.cycle.number", read_only=True)
    year = serializers.IntegerField(source="session.year", read_only=True)

    class Meta:
        model = Review
        fields = [
            "url",
            "id",
            "state_under_review",
            "session",
            "cycle",
            "year",
            "review_date",
            "adoption_date",
            "report_symbol",
            "addendum_symbol",
            "created_at",
            "updated_at",
        ]


class ReviewRefSerializer(serializers.ModelSerializer):
    url = LinkField("api:review-detail")

    class Meta:
        model = Review
        fields = ["id", "url", "report_symbol"]


class RecommendationSerializer(serializers.ModelSerializer):
    """A recommendation with everything a partner needs; instances come from api.recommendations_with_related(),
    whose prefetches land in plain lists (`*_list`): reading them costs no queryset clone per row."""

    url = LinkField("api:recommendation-detail")
    state_under_review = StateRefSerializer(source="review.state", read_only=True)
    recommending_states = StateRefSerializer(source="recommending_states_list", many=True, read_only=True)
    session = serializers.IntegerField(source="review.session.number", read_only=True)
    cycle = serializers.IntegerField(source="review.session.cycle.number", read_only=True)
    year = serializers.IntegerField(source="review.session.year", read_only=True)
    review = ReviewRefSerializer(read_only=True)
    response = BlankAsNullChoiceField(choices=Response.choices)
    themes = ThemeRefSerializer(source="themes_list", many=True, read_only=True)
    affected_groups = AffectedGroupRefSerializer(source="affected_groups_list", many=True, read_only=True)
    sdgs = SDGRefSerializer(source="sdgs_list", many=True, read_only=True)
    status = BlankAsNullChoiceField(source="current_status", choices=ImplementationStatus.choices)
    status_date = serializers.DateField(source="current_status_date", read_only=True, allow_null=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "url",
            "paragraph",
            "text",
            "kind",
            "state_under_review",
            "recommending_states",
            "session",
            "cycle",
            "year",
            "review",
            "response",
            "response_source",
            "action_category",
            "themes",
            "affected_groups",
            "sdgs",
            "status",
            "status_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RecommendationListSerializer(RecommendationSerializer):
    snippet = serializers.SerializerMethodField()

    class Meta(RecommendationSerializer.Meta):
        fields = [*RecommendationSerializer.Meta.fields, "snippet"]

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="HTML: the text around the matches of q"))
    def get_snippet(self, obj: Recommendation) -> str | None:
        """The headline escaped as HTML, matches in <mark>; null without q."""
        return marked_snippet(self.context.get("snippets", {}).get(obj.pk))


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name"]


class CitationSerializer(serializers.ModelSerializer):
    evidence = serializers.PrimaryKeyRelatedField(queryset=EvidenceSource.objects.all())
    evidence_url = serializers.HyperlinkedRelatedField(
        source="evidence", view_name="api:evidencesource-detail", read_only=True
    )

    class Meta:
        model = Citation
        fields = ["evidence", "evidence_url", "excerpt", "page"]
        # The (assessment, evidence, page) constraint is checked by the assessment serializer.
        validators: list = []


class AssessmentSerializer(serializers.ModelSerializer):
    url = LinkField("api:assessment-detail")
    recommendation = serializers.PrimaryKeyRelatedField(queryset=Recommendation.objects.all())
    recommendation_url = serializers.HyperlinkedRelatedField(
        source="recommendation", view_name="api:recommendation-detail", read_only=True
    )
    organisation = serializers.SlugRelatedField(slug_field="slug", queryset=Organisation.objects.all())
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    citations = CitationSerializer(many=True, required=False)

    class Meta:
        model = ImplementationAssessment
        fields = [
            "id",
            "url",
            "recommendation",
            "recommendation_url",
            "status",
            "assessed_on",
            "narrative",
            "organisation",
            "organisation_name",
            "assessor_kind",
            "state",
            "version",
            "citations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]

    def validate_citations(self, citations: list[dict]) -> list[dict]:
        keys = [(citation["evidence"].pk, citation.get("page", "")) for citation in citations]
        if len(set(keys)) != len(keys):
            raise serializers.ValidationError("Each evidence source may be cited once per page.")
        return citations


class EvidenceSourceSerializer(serializers.ModelSerializer):
    url = LinkField("api:evidencesource-detail")
    source_url = serializers.URLField(source="url", max_length=1000, required=False, allow_blank=True)

    class Meta:
        model = EvidenceSource
        fields = [
            "id",
            "url",
            "title",
            "publisher",
            "published_on",
            "source_url",
            "archive_url",
            "document_symbol",
            "kind",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]

    def validate_source_url(self, value: str) -> str:
        others = EvidenceSource.objects.filter(url=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if value and others.exists():
            raise serializers.ValidationError("Another evidence source already has this URL.")
        return value


class DeletedObjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeletedObject
        fields = ["id", "kind", "object_id", "deleted_at"]
        read_only_fields = fields


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="Pass this to the filter of the same name.")
    label = serializers.CharField()
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    facets = serializers.DictField(
        child=FacetValueSerializer(many=True), help_text="Per requested facet, its values by count."
    )


class ErrorSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text="Messages by parameter or field name; 'detail' for errors about the whole request.",
    )


# Recommendations without serializer instances ----------------------------------------------------
#
# A page of 50 recommendations through RecommendationSerializer cost five queries (the rows, then
# four prefetches), 50 model instances with their reviews, States and sessions, and a nested
# serializer call per field: about 10 ms of Python for one recommendation, 30 ms for a page at a
# million rows, against well under a millisecond in PostgreSQL. recommendation_representations()
# builds the very same dictionaries (the serializers above remain the documented contract, the
# OpenAPI schema and the JSON Lines export) from ONE query: the row joined to its review, State,
# session and cycle, its lists as JSON arrays ordered as the prefetches order them (so by the
# database's collation), and for a search the highlighted snippet. Tests compare both outputs.

_JSON_LIST = (
    "(SELECT json_agg(json_build_array({columns}) ORDER BY {order}) FROM {source} WHERE t.recommendation_id = r.id)"
)
_REPRESENTATION_SQL = """
SELECT r.id, r.paragraph, r.text, r.kind, r.response, r.response_source, r.action_category, r.current_status,
       r.current_status_date, r.created_at, r.updated_at, rv.id, rv.report_symbol, st.iso3, st.name, se.number,
       se.start_date, cy.number,
       {recommending_states}, {themes}, {affected_groups}, {sdgs}, {snippet}
  FROM recommendations_recommendation r
  JOIN recommendations_review rv ON rv.id = r.review_id
  JOIN states_state st ON st.id = rv.state_id
  JOIN recommendations_session se ON se.id = rv.session_id
  JOIN recommendations_cycle cy ON cy.id = se.cycle_id
 WHERE r.id = ANY(%(ids)s::bigint[])
"""
_LISTS = {
    "recommending_states": _JSON_LIST.format(
        columns="s.iso3, s.name",
        order="s.name",
        source="recommendations_recommendation_recommending_states t JOIN states_state s ON s.id = t.state_id",
    ),
    "themes": _JSON_LIST.format(
        columns="th.id, sc.slug, th.code, th.name, th.slug",
        order="sc.name, th.code, th.name",  # Theme.Meta.ordering
        source="recommendations_recommendation_themes t JOIN recommendations_theme th ON th.id = t.theme_id "
        "JOIN recommendations_themescheme sc ON sc.id = th.scheme_id",
    ),
    "affected_groups": _JSON_LIST.format(
        columns="g.slug, g.name",
        order="g.name",
        source="recommendations_recommendation_affected_groups t "
        "JOIN recommendations_affectedgroup g ON g.id = t.affectedgroup_id",
    ),
    "sdgs": _JSON_LIST.format(
        columns="g.number, g.name",
        order="g.number",
        source="recommendations_recommendation_sdgs t JOIN recommendations_sdg g ON g.id = t.sdg_id",
    ),
}
_SNIPPET = "ts_headline(%(config)s::regconfig, r.text, websearch_to_tsquery(%(config)s::regconfig, %(q)s), %(options)s)"
_WITHOUT_SNIPPET = "NULL"
_DATETIME = serializers.DateTimeField()
_ZERO = datetime.timedelta(0)


def recommendation_representations(
    ids: Iterable[int], request: HttpRequest | None, *, search_text: str = "", snippets: bool = False
) -> dict[int, dict]:
    """What RecommendationSerializer (with `snippets`, RecommendationListSerializer) gives for each id, by id.

    One query whatever the number of ids; ids that do not exist are left out. With
    `snippets`, a non-empty `search_text` adds the highlighted snippet, else it is null.
    """
    ids = list(ids)
    if not ids:
        return {}
    connection = connections[Recommendation.objects.db]
    params = {"ids": ids, "config": SEARCH_CONFIG, "q": search_text}
    snippet = _WITHOUT_SNIPPET
    if snippets and search_text:
        snippet, params["options"] = _SNIPPET, headline_options(connection)
    sql = _REPRESENTATION_SQL.format(**_LISTS, snippet=snippet)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    links = _Links(request)
    return {row[0]: _representation(row, links, snippets) for row in rows}


class _Links:
    """What every row's representation shares: its URL templates, and how its dates and times are written."""

    def __init__(self, request: HttpRequest | None) -> None:
        self.recommendation = link_template("api:recommendation-detail", request)
        self.review = link_template("api:review-detail", request)
        utc = timezone.get_current_timezone_name() == "UTC"
        self.datetime = _utc_datetime if utc else _DATETIME.to_representation


def _utc_datetime(value: datetime.datetime | None) -> str | None:
    """DateTimeField.to_representation (ISO 8601, UTC written Z) when the current time zone is UTC,
    without its per-call machinery: PostgreSQL hands values over in UTC (Django's connection time zone)."""
    if value is None:
        return None
    if value.utcoffset() != _ZERO:
        return _DATETIME.to_representation(value)
    return value.replace(tzinfo=None).isoformat() + "Z"


def _representation(row: tuple, links: _Links, with_snippet: bool) -> dict:
    (pk, paragraph, text, kind, response, response_source, action_category, status, status_date, created_at,
     updated_at, review_id, report_symbol, iso3, name, session, start_date, cycle,
     recommending_states, themes, affected_groups, sdgs, snippet) = row  # fmt: skip
    representation = {
        "id": pk,
        "url": f"{links.recommendation[0]}{pk}{links.recommendation[1]}",
        "paragraph": paragraph,
        "text": text,
        "kind": kind,
        "state_under_review": {"iso3": iso3, "name": name},
        "recommending_states": [{"iso3": code, "name": label} for code, label in recommending_states or ()],
        "session": session,
        "cycle": cycle,
        "year": start_date.year,
        "review": {
            "id": review_id,
            "url": f"{links.review[0]}{review_id}{links.review[1]}",
            "report_symbol": report_symbol,
        },
        "response": response or None,
        "response_source": response_source,
        "action_category": action_category,
        "themes": [
            {"id": theme_id, "scheme": scheme, "code": code, "name": label, "slug": slug}
            for theme_id, scheme, code, label, slug in themes or ()
        ],
        "affected_groups": [{"slug": slug, "name": label} for slug, label in affected_groups or ()],
        "sdgs": [{"number": number, "name": label} for number, label in sdgs or ()],
        "status": status or None,
        "status_date": status_date.isoformat() if status_date else None,
        "created_at": links.datetime(created_at),
        "updated_at": links.datetime(updated_at),
    }
    if with_snippet:
        representation["snippet"] = marked_snippet(snippet)
    return representation


def marked_snippet(headline: str | None) -> str | None:
    """A headline escaped as HTML, its matches in <mark>; None stays None."""
    if headline is None:
        return None
    return escape(headline).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
