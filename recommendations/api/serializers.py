"""API representations. Fields are listed explicitly: adding one is a compatible change, removing or
renaming one is a breaking change (docs/api.md)."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from recommendations.api.fields import (
    LinkField,
    VisiblePrimaryKeyField,
    VisibleSlugField,
    WritableOrganisationField,
)
from recommendations.models import (
    SDG,
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
from states.serializers import LocalizedNameField, StateRefSerializer


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
    name = LocalizedNameField()

    class Meta:
        model = ThemeScheme
        fields = ["url", "slug", "name", "version", "description"]


class ThemeRefSerializer(serializers.ModelSerializer):
    scheme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    name = LocalizedNameField()

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
    name = LocalizedNameField()

    class Meta:
        model = AffectedGroup
        fields = ["url", "slug", "name"]


class AffectedGroupRefSerializer(serializers.ModelSerializer):
    name = LocalizedNameField()

    class Meta:
        model = AffectedGroup
        fields = ["slug", "name"]


class SDGSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:sdg-detail", lookup_field="number")
    name = LocalizedNameField()

    class Meta:
        model = SDG
        fields = ["url", "number", "name"]


class SDGRefSerializer(serializers.ModelSerializer):
    name = LocalizedNameField()

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
    """A UPR recommendation, with its State under review, its recommending States, its review, its
    classifications and its current position and implementation status."""

    # The shape of the representation, declared for the OpenAPI schema only: the API builds it in
    # representations.py (one query per page or export chunk, no serializer instances), for the detail,
    # the list rows and the JSON Lines export alike. tests/recommendations/test_api_representation.py
    # keeps the two in step.
    url = serializers.URLField(read_only=True)
    state_under_review = StateRefSerializer(read_only=True)
    recommending_states = StateRefSerializer(many=True, read_only=True)
    session = serializers.IntegerField(read_only=True)
    cycle = serializers.IntegerField(read_only=True)
    year = serializers.IntegerField(read_only=True)
    review = ReviewRefSerializer(read_only=True)
    response = serializers.ChoiceField(choices=Response.choices, read_only=True, allow_null=True)
    themes = ThemeRefSerializer(many=True, read_only=True)
    affected_groups = AffectedGroupRefSerializer(many=True, read_only=True)
    sdgs = SDGRefSerializer(many=True, read_only=True)
    status = serializers.ChoiceField(choices=ImplementationStatus.choices, read_only=True, allow_null=True)
    status_date = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "url",
            "paragraph",
            "text",
            "language",
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
    """A UPR recommendation in a list: as the detail, with the highlighted snippet of a text search."""

    snippet = serializers.CharField(read_only=True, allow_null=True, help_text="HTML: the text around the matches of q")

    class Meta(RecommendationSerializer.Meta):
        fields = [*RecommendationSerializer.Meta.fields, "snippet"]


class CitationSerializer(serializers.ModelSerializer):
    evidence = VisiblePrimaryKeyField(queryset=EvidenceSource.objects.all())
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
    recommendation = VisiblePrimaryKeyField(queryset=Recommendation.objects.all())
    recommendation_url = serializers.HyperlinkedRelatedField(
        source="recommendation", view_name="api:recommendation-detail", read_only=True
    )
    # Any organisation: an account that is not its member submits to its moderation queue.
    organisation = VisibleSlugField(slug_field="slug", queryset=Organisation.objects.all())
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    citations = CitationSerializer(many=True, required=False)
    revision_of = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="For a proposed change: the published assessment it would change."
    )

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
            "revision_of",
            "version",
            "citations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]

    def validate_citations(self, citations: list[dict]) -> list[dict]:
        keys = [(citation["evidence"].pk, citation.get("page", "")) for citation in citations]
        if len(set(keys)) != len(keys):
            raise serializers.ValidationError(_("Each evidence source may be cited once per page."))
        return citations


class EvidenceSourceSerializer(serializers.ModelSerializer):
    url = LinkField("api:evidencesource-detail")
    source_url = serializers.URLField(source="url", max_length=1000, required=False, allow_blank=True)
    organisation = WritableOrganisationField(
        slug_field="slug",
        required=False,
        allow_null=True,
        help_text=(
            "The organisation that holds the source (set when it is created; by default the account's only "
            "organisation). Null for a source sent with the public form."
        ),
    )

    class Meta:
        model = EvidenceSource
        fields = [
            "id",
            "url",
            "organisation",
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
        # The (organisation, URL) constraint is checked by validate(), with a message naming the URL field.
        validators: list = []

    def validate(self, data: dict) -> dict:
        if self.instance is None and not data.get("organisation"):
            data["organisation"] = self._only_organisation()
        organisation = data.get("organisation", getattr(self.instance, "organisation", None))
        others = EvidenceSource.objects.filter(url=data.get("url", ""), organisation=organisation)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if data.get("url") and organisation is not None and others.exists():
            raise serializers.ValidationError(
                {"source_url": [_("Your organisation already has a source with this URL.")]}
            )
        return data

    def _only_organisation(self) -> Organisation:
        """A new source belongs to the account's organisation when it has only one."""
        choices = list(self.fields["organisation"].get_queryset()[:2])
        if len(choices) != 1:
            raise serializers.ValidationError({"organisation": [_("Name the organisation that holds this source.")]})
        return choices[0]


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
