"""Writable API resources: implementation assessments and evidence sources.

Who may do what is decided in recommendations/permissions.py: members of an
organisation write its assessments (as drafts; reviewers publish; an editor's
change to a published one is a proposed revision, answered 202), anyone else
with a token submits assessments for moderation. Every write goes through
recommendations/services/, so the current status is refreshed, history is
recorded and deletions leave tombstones. Changes and deletions are guarded by the
object's version (core/api.py, DetailMixin): `If-Match` with the ETag of a GET is
required (428 without), 412 when stale.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ID_REGEX, DetailMixin, FilterBackend, sync_ordering
from core.api_errors import Conflict, PreconditionFailed
from recommendations import permissions as rules
from recommendations import services
from recommendations.api.serializers import AssessmentSerializer, EvidenceSourceSerializer
from recommendations.models import EvidenceSource, ImplementationAssessment, Organisation, Publication
from recommendations.search.list_filters import AssessmentFilterSet, EvidenceSourceFilterSet

ASSESSMENT_FIELDS = ("recommendation", "status", "assessed_on", "narrative", "organisation", "assessor_kind")


ETAG_PREFIXES = {ImplementationAssessment: "assessment", EvidenceSource: "evidence"}
# What a write answers when someone else saved the object first (services.EditConflict).
CHANGED_WHILE_SAVING = {
    ImplementationAssessment: gettext_lazy(
        "The assessment was changed by someone else while you saved: it is now version %(version)s. "
        "Read it again and reapply your change."
    ),
    EvidenceSource: gettext_lazy(
        "The evidence was changed by someone else while you saved: it is now version %(version)s. "
        "Read it again and reapply your change."
    ),
}


def version_etag(obj: ImplementationAssessment | EvidenceSource) -> str:
    """An ETag naming the object's version, for If-Match on the next write (checked by DetailMixin)."""
    return f'"{ETAG_PREFIXES[type(obj)]}-{obj.pk}-v{obj.version}"'


def require_writer(request: Request, organisation: Organisation) -> None:
    if not rules.may_write_for(request.user, organisation.pk):
        own = Organisation.objects.filter(pk__in=rules.organisations_for(request.user)).values_list("slug", flat=True)
        allowed = ", ".join(sorted(own)) or pgettext("no organisations", "none")
        raise PermissionDenied(
            _("Your account may write assessments only for its own organisations (%(allowed)s), not for %(slug)s.")
            % {"allowed": allowed, "slug": organisation.slug}
        )


def require_move(request: Request, organisation_id: int, from_state: str, to_state: str) -> None:
    """The workflow of permissions.may_move, as the API's 403."""
    if not rules.may_move(request.user, organisation_id, from_state, to_state):
        raise PermissionDenied(_("Only a reviewer of the assessment's organisation may publish or reject it."))


def call_service(function, **kwargs):
    """Run a service, turning model validation errors into a 400 naming the fields and conflicts into a 412."""
    try:
        return function(**kwargs)
    except ProtectedError:
        raise  # an IntegrityError too: the caller says what protects the object
    except services.EditConflict as conflict:
        raise PreconditionFailed(
            CHANGED_WHILE_SAVING[type(conflict.current)] % {"version": conflict.current.version}
        ) from None
    except DjangoValidationError as error:
        raise serializers.ValidationError(getattr(error, "message_dict", {"detail": error.messages})) from None
    except IntegrityError:
        raise serializers.ValidationError({"detail": [_("This conflicts with an existing record.")]}) from None


class AssessmentPermission(permissions.IsAuthenticatedOrReadOnly):
    """Anyone reads what they may see; any account submits; members change their organisation's (a published one
    only by proposing a revision, unless they are its reviewers)."""

    def has_object_permission(self, request: Request, view, obj: ImplementationAssessment) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        require_writer(request, obj.organisation)
        if request.method == "DELETE" and not rules.can_change(request.user, obj):
            raise PermissionDenied(
                _("Only a reviewer of the assessment's organisation may delete a published assessment.")
            )
        return True


NOT_A_MEMBER = gettext_lazy(
    "Your account is not a member of any organisation, so it cannot add or change evidence sources."
)


class EvidenceSourcePermission(permissions.IsAuthenticatedOrReadOnly):
    message = gettext_lazy(
        "This evidence source is held by another organisation; ask it or an administrator to change it."
    )

    def has_permission(self, request: Request, view) -> bool:
        if request.method == "POST" and request.user.is_authenticated and not rules.is_editor(request.user):
            raise PermissionDenied(NOT_A_MEMBER)
        return super().has_permission(request, view)

    def has_object_permission(self, request: Request, view, obj: EvidenceSource) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not rules.is_editor(request.user):
            raise PermissionDenied(NOT_A_MEMBER)
        return rules.can_change_evidence(request.user, obj)


class AssessmentViewSet(DetailMixin, viewsets.ModelViewSet):
    """Implementation assessments: members write their organisation's, other accounts submit for moderation."""

    serializer_class = AssessmentSerializer
    permission_classes = [AssessmentPermission]
    filter_backends = [FilterBackend]
    filterset_class = AssessmentFilterSet
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet:
        queryset = rules.visible(ImplementationAssessment.objects.all(), self.request.user)
        queryset = queryset.select_related("organisation").prefetch_related("citations")
        return queryset.order_by(*sync_ordering(self.request))

    def etag_for(self, assessment: ImplementationAssessment) -> str:
        return version_etag(assessment)

    def perform_create(self, serializer: AssessmentSerializer) -> None:
        data = serializer.validated_data
        fields = {name: data[name] for name in ASSESSMENT_FIELDS if name in data}
        user, organisation = self.request.user, data["organisation"]
        publication = rules.initial_publication_state(user, organisation.pk)
        if publication == Publication.DRAFT and data.get("state"):
            require_move(self.request, organisation.pk, publication, data["state"])  # a member starts it elsewhere
            publication = data["state"]
        serializer.instance = call_service(
            services.record_assessment,
            recorded_by=user,
            citations=self._citations(data) or (),
            state=publication,
            **fields,
        )

    def perform_update(self, serializer: AssessmentSerializer) -> None:
        data, assessment = serializer.validated_data, serializer.instance
        if "organisation" in data:
            require_writer(self.request, data["organisation"])
        if "state" in data:
            require_move(self.request, assessment.organisation_id, assessment.state, data["state"])
        names = (*ASSESSMENT_FIELDS, "state")
        fields = {name: data[name] for name in names if name in data}
        version = assessment.version  # the one If-Match named
        if self._proposes(assessment):
            serializer.instance = self._saved = self._propose(assessment, data, fields, version)
            return
        serializer.instance = self._saved = call_service(
            services.update_assessment,
            assessment=assessment,
            citations=self._citations(data),
            expected_version=version,
            user=self.request.user,
            **fields,
        )

    def _proposes(self, assessment: ImplementationAssessment) -> bool:
        """An editor who may not publish changes a published assessment by proposing a revision."""
        published = assessment.state == Publication.PUBLISHED
        return published and not rules.can_publish(self.request.user, assessment)

    def _propose(self, assessment, data: dict, fields: dict, version: int) -> ImplementationAssessment:
        unchanged = {"recommendation": assessment.recommendation, "organisation": assessment.organisation}
        fields = {name: value for name, value in fields.items() if unchanged.get(name, object()) != value}
        try:
            return call_service(
                services.propose_revision,
                assessment=assessment,
                user=self.request.user,
                expected_version=version,
                citations=self._citations(data),
                **fields,
            )
        except services.OpenRevision as waiting:
            url = self.request.build_absolute_uri(reverse("api:assessment-detail", args=[waiting.revision.pk]))
            raise Conflict(
                _(
                    "A proposed change to this assessment already awaits review: %(url)s. Change that one (PATCH it), "
                    "or ask a reviewer of your organisation to publish or reject it first."
                )
                % {"url": url}
            ) from None

    def update(self, request: Request, *args, **kwargs) -> Response:
        response = super().update(request, *args, **kwargs)
        response["ETag"] = version_etag(self._saved)
        if self._saved.revision_of_id and self._saved.pk != int(kwargs["pk"]):
            # The published assessment is unchanged: the change waits for a reviewer as a new revision.
            response.status_code = status.HTTP_202_ACCEPTED
            response["Location"] = response.data["url"]
        return response

    def perform_destroy(self, instance: ImplementationAssessment) -> None:
        call_service(services.delete_assessment, assessment=instance, expected_version=instance.version)

    @staticmethod
    def _citations(data: dict) -> list[tuple] | None:
        if "citations" not in data:
            return None
        return [(c["evidence"], c.get("excerpt", ""), c.get("page", "")) for c in data["citations"]]


class EvidenceSourceViewSet(DetailMixin, viewsets.ModelViewSet):
    """Evidence sources cited by assessments. Any account creates them; members change uncontested ones."""

    serializer_class = EvidenceSourceSerializer
    permission_classes = [EvidenceSourcePermission]
    filter_backends = [FilterBackend]
    filterset_class = EvidenceSourceFilterSet
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet:
        evidence = rules.visible(EvidenceSource.objects.all(), self.request.user).select_related("organisation")
        return evidence.order_by(*sync_ordering(self.request))

    def etag_for(self, evidence: EvidenceSource) -> str:
        return version_etag(evidence)

    def perform_create(self, serializer: EvidenceSourceSerializer) -> None:
        evidence = EvidenceSource(**serializer.validated_data)
        serializer.instance = call_service(services.save_evidence_source, evidence=evidence, user=self.request.user)

    def perform_update(self, serializer: EvidenceSourceSerializer) -> None:
        evidence = serializer.instance
        moved = serializer.validated_data.get("organisation", evidence.organisation) != evidence.organisation
        if moved and not rules.is_staff_admin(self.request.user):
            raise PermissionDenied(_("Only a staff administrator moves a source to another organisation."))
        version = evidence.version  # the one If-Match named
        for name, value in serializer.validated_data.items():
            setattr(evidence, name, value)
        serializer.instance = self._saved = call_service(
            services.save_evidence_source, evidence=evidence, user=self.request.user, expected_version=version
        )

    def update(self, request: Request, *args, **kwargs) -> Response:
        response = super().update(request, *args, **kwargs)
        response["ETag"] = version_etag(self._saved)
        return response

    def perform_destroy(self, instance: EvidenceSource) -> None:
        try:
            call_service(services.delete_evidence_source, evidence=instance, expected_version=instance.version)
        except ProtectedError:
            raise Conflict(
                _("Assessments cite this evidence source; remove those citations before deleting it.")
            ) from None
