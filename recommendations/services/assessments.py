"""Implementation assessments: recording, changing, publishing, proposed revisions of published ones, deleting.

Every caller (admin, API, public form, commands, demo) goes through these, so validation, history, the
recommendations' current status and the tombstones partners sync happen once.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from recommendations.models import (
    Citation,
    DeletedObject,
    EvidenceSource,
    ImplementationAssessment,
    Organisation,
    Publication,
    Recommendation,
)
from recommendations.services.common import EditConflict, claim_version, write_tombstones
from recommendations.services.evidence import adopt_submitted_evidence, check_citable

PUBLISHED = Publication.PUBLISHED
OPEN_PUBLICATION_STATES = (Publication.DRAFT, Publication.SUBMITTED)
# What a proposed change may change of a published assessment (its recommendation and organisation stay).
REVISABLE_FIELDS = ("status", "assessed_on", "narrative", "assessor_kind")


class OpenRevision(Exception):
    """A published assessment already has a proposed change awaiting review: `revision`."""

    def __init__(self, revision: ImplementationAssessment) -> None:
        super().__init__(f"Assessment {revision.revision_of_id} already has a proposed change ({revision.pk}).")
        self.revision = revision


@transaction.atomic
def record_assessment(
    *,
    recommendation: Recommendation,
    status: str,
    assessed_on: datetime.date,
    organisation: Organisation,
    recorded_by: AbstractBaseUser | None = None,
    narrative: str = "",
    assessor_kind: str = ImplementationAssessment.AssessorKind.CIVIL_SOCIETY,
    citations: Sequence[tuple[EvidenceSource, str, str]] = (),
    state: str = Publication.PUBLISHED,
    submitter: str = "",
) -> ImplementationAssessment:
    """Record an assessment with its citations (evidence, excerpt, page) and refresh the current status.

    `state` defaults to published for trusted callers (commands, demo data);
    the admin, the API and the public form pass permissions.initial_publication_state(…).
    """
    (assessment,) = record_assessments(
        recommendations=[recommendation],
        status=status,
        assessed_on=assessed_on,
        organisation=organisation,
        recorded_by=recorded_by,
        narrative=narrative,
        assessor_kind=assessor_kind,
        citations=citations,
        state=state,
        submitter=submitter,
    )
    return assessment


def _add_citations(assessments: list[ImplementationAssessment], citations, user) -> None:
    """Each of `assessments` cites each (evidence, excerpt, page): one bulk insert with history."""
    for organisation_id in {assessment.organisation_id for assessment in assessments}:
        check_citable(organisation_id, citations)
    rows = [
        Citation(assessment=assessment, evidence=evidence, excerpt=excerpt, page=page)
        for assessment in assessments
        for evidence, excerpt, page in citations
    ]
    if rows:
        bulk_create_with_history(rows, Citation, default_user=user)


@transaction.atomic
def delete_assessments(assessments) -> int:
    """Delete assessments (a queryset or list) and leave tombstones; their recommendations' status follows."""
    pks = [a.pk for a in assessments]
    # Only what partners could have copied: an unpublished one left the feed when it was unpublished.
    public = ImplementationAssessment.objects.filter(pk__in=pks, state=PUBLISHED).values_list("pk", flat=True)
    write_tombstones(DeletedObject.Kind.ASSESSMENT, public)
    _, deleted = ImplementationAssessment.objects.filter(pk__in=pks).delete()
    return deleted.get(ImplementationAssessment._meta.label, 0)  # the assessments alone, not their citations


@transaction.atomic
def delete_assessment(*, assessment: ImplementationAssessment, expected_version: int | None = None) -> None:
    """Delete one assessment; with `expected_version`, only while that is the stored one (else EditConflict)."""
    if expected_version is not None:
        claim_version(assessment, expected_version)
    delete_assessments([assessment])


@transaction.atomic
def update_assessment(
    *,
    assessment: ImplementationAssessment,
    citations: Sequence[tuple[EvidenceSource, str, str]] | None = None,
    expected_version: int | None = None,
    user: AbstractBaseUser | None = None,
    **fields,
) -> ImplementationAssessment:
    """Change an assessment (and replace its citations when given).

    `fields` are model fields (status, assessed_on, narrative, organisation,
    assessor_kind, recommendation, state). The current status of its recommendation (both, when it moves)
    follows by trigger (migration 0021).
    """
    for name, value in fields.items():
        setattr(assessment, name, value)
    return save_assessment(
        assessment=assessment,
        user=user,
        expected_version=expected_version,
        citations=citations,
    )


@transaction.atomic
def save_assessment(
    *,
    assessment: ImplementationAssessment,
    user: AbstractBaseUser | None = None,
    expected_version: int | None = None,
    citations: Sequence[tuple[EvidenceSource, str, str]] | None = None,
) -> ImplementationAssessment:
    """Save an assessment already changed in memory (the admin's form did it), new or existing.

    An existing one is saved only if the stored version is `expected_version`
    (by default the version the instance was read at): otherwise EditConflict,
    so a colleague's edit is never silently overwritten.
    """
    if assessment.revision_of_id and assessment.state == PUBLISHED:
        return _publish_revision(assessment, user=user, expected_version=expected_version, citations=citations)
    assessment.full_clean()
    was_published = False
    if assessment.pk is not None:
        was_published = ImplementationAssessment.objects.filter(pk=assessment.pk, state=PUBLISHED).exists()
        claim_version(assessment, assessment.version if expected_version is None else expected_version)
    elif user is not None and assessment.recorded_by_id is None:
        assessment.recorded_by = user
    assessment._history_user = user
    assessment.save()
    if citations is not None:
        assessment.citations.all().delete()
        _add_citations([assessment], citations, user)
    if was_published and assessment.state != PUBLISHED:
        write_tombstones(DeletedObject.Kind.ASSESSMENT, [assessment.pk])
    if assessment.state == PUBLISHED:
        adopt_submitted_evidence([assessment])
    return assessment


@transaction.atomic
def propose_revision(
    *,
    assessment: ImplementationAssessment,
    user: AbstractBaseUser | None = None,
    expected_version: int | None = None,
    citations: Sequence[tuple[EvidenceSource, str, str]] | None = None,
    state: str = Publication.SUBMITTED,
    **fields,
) -> ImplementationAssessment:
    """A proposed change to a published assessment, which stays public as it is until a reviewer publishes the
    change (save_assessment merges it then). `fields` are REVISABLE_FIELDS; the citations are the published
    assessment's unless given. Raises OpenRevision when one already awaits review, EditConflict when stale."""
    current = ImplementationAssessment.objects.select_for_update().get(pk=assessment.pk)
    if expected_version is not None and current.version != expected_version:
        raise EditConflict(current)
    fixed = {name for name in fields if name not in REVISABLE_FIELDS}
    if fixed:
        kept = gettext("A proposed change keeps this as it is published.")
        raise ValidationError({name: kept for name in sorted(fixed)})
    if (open_revision := current.revisions.filter(state__in=OPEN_PUBLICATION_STATES).first()) is not None:
        raise OpenRevision(open_revision)
    revision = ImplementationAssessment(
        recommendation_id=current.recommendation_id,
        organisation_id=current.organisation_id,
        revision_of=current,
        state=state,
        recorded_by=user,
        **{name: fields.get(name, getattr(current, name)) for name in REVISABLE_FIELDS},
    )
    revision.full_clean()
    revision._history_user = user
    revision.save()
    if citations is None:
        citations = [(c.evidence, c.excerpt, c.page) for c in current.citations.select_related("evidence")]
    _add_citations([revision], citations, user)
    return revision


def _publish_revision(revision, *, user, expected_version, citations) -> ImplementationAssessment:
    """Publishing a proposed change: its texts and citations replace the published assessment's (which keeps
    its id, so partners see a change, not a new assessment), and the proposal itself is deleted."""
    if expected_version is not None and revision.pk is not None:
        claim_version(revision, expected_version)
    if citations is None:
        citations = [(c.evidence, c.excerpt, c.page) for c in revision.citations.select_related("evidence")]
    original = ImplementationAssessment.objects.select_for_update().get(pk=revision.revision_of_id)
    for name in REVISABLE_FIELDS:
        setattr(original, name, getattr(revision, name))
    revision._history_user = user
    revision.delete()
    return save_assessment(assessment=original, user=user, citations=citations)


@transaction.atomic
def record_assessments(
    *,
    recommendations: Iterable[Recommendation],
    status: str,
    assessed_on: datetime.date,
    organisation: Organisation,
    recorded_by: AbstractBaseUser | None = None,
    narrative: str = "",
    assessor_kind: str = ImplementationAssessment.AssessorKind.CIVIL_SOCIETY,
    citations: Sequence[tuple[EvidenceSource, str, str]] = (),
    state: str = Publication.PUBLISHED,
    submitter: str = "",
) -> list[ImplementationAssessment]:
    """The same assessment, with the same citations, for each recommendation: bulk writes, one transaction.

    Every assessment is validated before anything is written; history rows name `recorded_by`.
    """
    assessments = [
        ImplementationAssessment(
            recommendation=recommendation,
            status=status,
            assessed_on=assessed_on,
            organisation=organisation,
            recorded_by=recorded_by,
            narrative=narrative,
            assessor_kind=assessor_kind,
            state=state,
            submitter=submitter,
        )
        for recommendation in recommendations
    ]
    for assessment in assessments:
        assessment.full_clean()
    bulk_create_with_history(assessments, ImplementationAssessment, default_user=recorded_by)
    _add_citations(assessments, citations, recorded_by)
    if state == PUBLISHED:
        adopt_submitted_evidence(assessments)
    return assessments


def set_assessment_state(
    *, assessment: ImplementationAssessment, state: str, user: AbstractBaseUser | None = None
) -> ImplementationAssessment:
    """Publish, unpublish (back to draft), submit or reject an assessment; the current status follows."""
    return update_assessment(assessment=assessment, state=state, user=user)
