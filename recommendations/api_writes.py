"""Writable API resources: implementation assessments and evidence sources.

Writing needs a token (or an admin session) of a user who is a member of an
organisation. An assessment is written only for one of the user's own
organisations; an evidence source only while no other organisation's
assessment cites it. Every write goes through recommendations/services.py,
so the current status is refreshed and deletions leave tombstones.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, QuerySet
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from recommendations import services
from recommendations.api_base import ID_REGEX, DetailMixin, FilterBackend, sync_ordering
from recommendations.api_errors import Conflict
from recommendations.filters import AssessmentFilterSet, EvidenceSourceFilterSet
from recommendations.models import EvidenceSource, ImplementationAssessment, Organisation
from recommendations.serializers import AssessmentSerializer, EvidenceSourceSerializer

ASSESSMENT_FIELDS = ("recommendation", "status", "assessed_on", "narrative", "organisation", "assessor_kind")


def member_organisations(request: Request) -> dict[int, str]:
    """The requesting user's organisations (id → slug), looked up once per request."""
    if not hasattr(request, "_member_organisations"):
        rows = Organisation.objects.filter(memberships__user=request.user).values_list("pk", "slug")
        request._member_organisations = dict(rows)
    return request._member_organisations


def require_member(request: Request, organisation: Organisation) -> None:
    own = member_organisations(request)
    if organisation.pk not in own:
        allowed = ", ".join(sorted(own.values())) or "none"
        raise PermissionDenied(
            f"Your account may write assessments only for its own organisations ({allowed}), "
            f"not for {organisation.slug}."
        )


def call_service(function, **kwargs):
    """Run a service, turning model validation errors into a 400 naming the fields."""
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        raise serializers.ValidationError(getattr(error, "message_dict", {"detail": error.messages})) from None
    except IntegrityError:
        raise serializers.ValidationError({"detail": ["This conflicts with an existing record."]}) from None


class IsOrganisationMember(permissions.BasePermission):
    """Anyone reads; writing needs an authenticated member of at least one organisation."""

    message = "Your account is not a member of any organisation, so it cannot write."

    def has_permission(self, request: Request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and member_organisations(request))


class AssessmentPermission(IsOrganisationMember):
    def has_object_permission(self, request: Request, view, obj: ImplementationAssessment) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        require_member(request, obj.organisation)
        return True


class EvidenceSourcePermission(IsOrganisationMember):
    def has_object_permission(self, request: Request, view, obj: EvidenceSource) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        others = obj.citations.exclude(assessment__organisation_id__in=list(member_organisations(request)))
        if others.exists():
            self.message = (
                "Another organisation's assessment cites this evidence source; "
                "ask that organisation or an administrator to change it."
            )
            return False
        return True


class AssessmentViewSet(DetailMixin, viewsets.ModelViewSet):
    """Implementation assessments. Writes need a token of a member of the assessment's organisation."""

    serializer_class = AssessmentSerializer
    permission_classes = [AssessmentPermission]
    filter_backends = [FilterBackend]
    filterset_class = AssessmentFilterSet
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet:
        queryset = ImplementationAssessment.objects.select_related("organisation").prefetch_related("citations")
        return queryset.order_by(*sync_ordering(self.request))

    def perform_create(self, serializer: AssessmentSerializer) -> None:
        data = serializer.validated_data
        require_member(self.request, data["organisation"])
        fields = {name: data[name] for name in ASSESSMENT_FIELDS if name in data}
        serializer.instance = call_service(
            services.record_assessment,
            recorded_by=self.request.user,
            citations=self._citations(data) or (),
            **fields,
        )

    def perform_update(self, serializer: AssessmentSerializer) -> None:
        data = serializer.validated_data
        if "organisation" in data:
            require_member(self.request, data["organisation"])
        serializer.instance = call_service(
            services.update_assessment,
            assessment=serializer.instance,
            citations=self._citations(data),
            **{name: data[name] for name in ASSESSMENT_FIELDS if name in data},
        )

    def perform_destroy(self, instance: ImplementationAssessment) -> None:
        services.delete_assessment(assessment=instance)

    @staticmethod
    def _citations(data: dict) -> list[tuple] | None:
        if "citations" not in data:
            return None
        return [(c["evidence"], c.get("excerpt", ""), c.get("page", "")) for c in data["citations"]]


class EvidenceSourceViewSet(DetailMixin, viewsets.ModelViewSet):
    """Evidence sources cited by assessments. Writes need a token of an organisation member."""

    serializer_class = EvidenceSourceSerializer
    permission_classes = [EvidenceSourcePermission]
    filter_backends = [FilterBackend]
    filterset_class = EvidenceSourceFilterSet
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet:
        return EvidenceSource.objects.order_by(*sync_ordering(self.request))

    def perform_create(self, serializer: EvidenceSourceSerializer) -> None:
        call_service(serializer.save)

    def perform_update(self, serializer: EvidenceSourceSerializer) -> None:
        call_service(serializer.save)

    def perform_destroy(self, instance: EvidenceSource) -> None:
        try:
            services.delete_evidence_source(evidence=instance)
        except ProtectedError:
            raise Conflict(
                "Assessments cite this evidence source; remove those citations before deleting it."
            ) from None
