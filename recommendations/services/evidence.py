"""Evidence sources and citations: who may cite what, saving, deleting, and sources sent with the public form."""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext

from recommendations.models import (
    Citation,
    DeletedObject,
    EvidenceSource,
    ImplementationAssessment,
    Publication,
)
from recommendations.services.common import claim_version, write_tombstones

PUBLISHED = Publication.PUBLISHED


def check_citable(organisation_id: int, citations) -> None:
    """An assessment cites only evidence its organisation may see (permissions.citable_evidence)."""
    from recommendations import permissions

    wanted = {getattr(evidence, "pk", evidence) for evidence, _excerpt, _page in citations}  # sources or their ids
    if not wanted:
        return
    allowed = set(permissions.citable_evidence(organisation_id).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - allowed:
        raise ValidationError(
            {
                "citations": gettext(
                    "An assessment may cite only evidence its organisation holds or that is cited publicly."
                )
            },
            code="evidence_not_citable",
        )


@transaction.atomic
def save_citation(*, citation: Citation, user: AbstractBaseUser | None = None) -> Citation:
    """Add or change one citation on its own (the admin's citation page), of evidence its organisation may cite."""
    check_citable(citation.assessment.organisation_id, [(citation.evidence, citation.excerpt, citation.page)])
    citation.full_clean()
    citation._history_user = user
    citation.save()
    return citation


def adopt_submitted_evidence(assessments: Sequence[ImplementationAssessment]) -> None:
    """Evidence sent with the public form belongs to no organisation until its submission is published: then
    to the publishing organisation, or, when that organisation already holds a source with the same URL, the
    citation moves to that source."""
    for assessment in assessments:
        for citation in assessment.citations.filter(evidence__organisation__isnull=True).select_related("evidence"):
            evidence = citation.evidence
            held = EvidenceSource.objects.filter(organisation_id=assessment.organisation_id, url=evidence.url)
            existing = held.first() if evidence.url else None
            if existing is None:
                EvidenceSource.objects.filter(pk=evidence.pk).update(organisation_id=assessment.organisation_id)
                continue
            citation.evidence = existing
            citation.save(update_fields=["evidence"])
            if not evidence.citations.exists():
                evidence.delete()


@transaction.atomic
def save_evidence_source(
    *, evidence: EvidenceSource, user: AbstractBaseUser | None = None, expected_version: int | None = None
) -> EvidenceSource:
    """Create or change an evidence source; a change based on an older version raises EditConflict."""
    evidence.full_clean()
    if evidence.pk is not None:
        claim_version(evidence, evidence.version if expected_version is None else expected_version)
    evidence._history_user = user
    evidence.save()
    return evidence


@transaction.atomic
def delete_evidence_source(*, evidence: EvidenceSource, expected_version: int | None = None) -> None:
    """Delete an evidence source that no assessment cites (raises ProtectedError otherwise); with
    `expected_version`, only while that is the stored one (else EditConflict). Partners hear of it if it
    was ever public (cited by an assessment that was published)."""
    if expected_version is not None:
        claim_version(evidence, expected_version)
    pk = evidence.pk
    was_public = _was_cited_publicly(pk)
    evidence.delete()
    if was_public:
        write_tombstones(DeletedObject.Kind.EVIDENCE_SOURCE, [pk])


def _was_cited_publicly(evidence_id: int) -> bool:
    """From the history tables: a citation of the evidence on an assessment that was published at some time."""
    published = ImplementationAssessment.history.filter(state=PUBLISHED).values("id")
    return Citation.history.filter(evidence_id=evidence_id, assessment_id__in=published).exists()


def known_evidence(*, organisation_id: int, url: str) -> EvidenceSource | None:
    """The source with this URL an assessment of the organisation may cite (its own first), if there is one."""
    from recommendations import permissions

    if not url:
        return None
    same_url = permissions.citable_evidence(organisation_id).filter(url=url)
    return same_url.order_by(_own_first(organisation_id), "pk").first()


def _own_first(organisation_id: int):
    return Case(When(organisation_id=organisation_id, then=Value(0)), default=Value(1), output_field=IntegerField())


@transaction.atomic
def evidence_for_citation(
    *,
    organisation_id: int,
    title: str,
    url: str = "",
    publisher: str = "",
    document=None,
    user: AbstractBaseUser | None = None,
) -> tuple[EvidenceSource, bool]:
    """A new source held by the organisation, or, when its URL is one the organisation may cite already, that
    source (never a second one with the same URL): (source, whether it was created)."""
    existing = known_evidence(organisation_id=organisation_id, url=url)
    if existing is not None:
        return existing, False
    evidence = EvidenceSource(
        organisation_id=organisation_id, title=title, url=url, publisher=publisher, document=document or ""
    )
    return save_evidence_source(evidence=evidence, user=user), True
