"""Writes that touch several rows or models, in one place for every caller.

The admin, the API, the importers and management commands all record
assessments and positions through these functions, so the denormalised
current status and response on Recommendation never drift from their history.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from simple_history.utils import bulk_create_with_history

from recommendations.models import (
    Citation,
    DeletedObject,
    EvidenceSource,
    ImplementationAssessment,
    Organisation,
    Position,
    Recommendation,
)

# updated_at = clock_timestamp(), not now(): now() is the transaction's start,
# earlier than the created_at Django wrote for a row made in the same
# transaction, and a change must never look older than the row it changes.
_REFRESH_STATUS_SQL = """
UPDATE {rec} AS r
   SET current_status = COALESCE(latest.status, ''),
       current_status_date = latest.assessed_on,
       updated_at = clock_timestamp()
  FROM unnest(%s::bigint[]) AS ids(id)
  LEFT JOIN LATERAL (
        SELECT a.status, a.assessed_on
          FROM {assessment} AS a
         WHERE a.recommendation_id = ids.id
           AND a.state = 'published'
         ORDER BY a.assessed_on DESC, a.id DESC
         LIMIT 1
  ) AS latest ON true
 WHERE r.id = ids.id
   AND (r.current_status <> COALESCE(latest.status, '')
        OR r.current_status_date IS DISTINCT FROM latest.assessed_on)
"""

_REFRESH_RESPONSE_SQL = """
UPDATE {rec} AS r
   SET response = COALESCE(latest.response, ''),
       response_source = COALESCE(latest.source, ''),
       response_date = latest.date,
       updated_at = clock_timestamp()
  FROM unnest(%s::bigint[]) AS ids(id)
  LEFT JOIN LATERAL (
        SELECT p.response, p.source, p.date
          FROM {position} AS p
         WHERE p.recommendation_id = ids.id
         ORDER BY p.date DESC NULLS LAST, p.id DESC
         LIMIT 1
  ) AS latest ON true
 WHERE r.id = ids.id
   AND (r.response <> COALESCE(latest.response, '')
        OR r.response_source <> COALESCE(latest.source, '')
        OR r.response_date IS DISTINCT FROM latest.date)
"""


def _run_refresh(sql: str, recommendation_ids: Iterable[int], **tables: str) -> int:
    ids = sorted({int(pk) for pk in recommendation_ids})
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(sql.format(rec=Recommendation._meta.db_table, **tables), [ids])
        return cursor.rowcount


PUBLISHED = ImplementationAssessment.State.PUBLISHED
OPEN_STATES = (ImplementationAssessment.State.DRAFT, ImplementationAssessment.State.SUBMITTED)
# What a proposed change may change of a published assessment (its recommendation and organisation stay).
REVISABLE_FIELDS = ("status", "assessed_on", "narrative", "assessor_kind")


class OpenRevision(Exception):
    """A published assessment already has a proposed change awaiting review: `revision`."""

    def __init__(self, revision: ImplementationAssessment) -> None:
        super().__init__(f"Assessment {revision.revision_of_id} already has a proposed change ({revision.pk}).")
        self.revision = revision


class EditConflict(Exception):
    """Someone else saved the object (an assessment, an evidence source) since the caller read it.

    `current` is the object as it is now.
    """

    def __init__(self, current: ImplementationAssessment | EvidenceSource) -> None:
        super().__init__(f"{current._meta.verbose_name} {current.pk} was changed by someone else.")
        self.current = current


def refresh_current_status(recommendation_ids: Iterable[int]) -> int:
    """Copy each recommendation's latest published assessment onto it; returns the rows changed.

    One UPDATE for any number of recommendations; rows whose status did not
    change keep their updated_at, so partners syncing see only real changes.
    """
    return _run_refresh(_REFRESH_STATUS_SQL, recommendation_ids, assessment=ImplementationAssessment._meta.db_table)


def refresh_response(recommendation_ids: Iterable[int]) -> int:
    """Copy each recommendation's latest position onto it; returns the rows changed."""
    return _run_refresh(_REFRESH_RESPONSE_SQL, recommendation_ids, position=Position._meta.db_table)


@transaction.atomic
def record_position(
    *,
    recommendation: Recommendation,
    response: str,
    source: str = "",
    date: datetime.date | None = None,
) -> Position:
    """Record the State's position on a recommendation and make it current if it is the latest."""
    position = Position(recommendation=recommendation, response=response, source=source, date=date)
    position.full_clean(exclude=["recommendation"])
    position.save()
    refresh_response([recommendation.pk])
    return position


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
    state: str = ImplementationAssessment.State.PUBLISHED,
    submitter: str = "",
) -> ImplementationAssessment:
    """Record an assessment with its citations (evidence, excerpt, page) and refresh the current status.

    `state` defaults to published for trusted callers (commands, demo data);
    the admin, the API and the public form pass permissions.initial_state(…).
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


def check_citable(organisation_id: int, citations) -> None:
    """An assessment cites only evidence its organisation may see (permissions.citable_evidence)."""
    from recommendations import permissions

    wanted = {getattr(evidence, "pk", evidence) for evidence, _excerpt, _page in citations}  # sources or their ids
    if not wanted:
        return
    allowed = set(permissions.citable_evidence(organisation_id).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - allowed:
        raise ValidationError(
            {"citations": "An assessment may cite only evidence its organisation holds or that is cited publicly."},
            code="evidence_not_citable",
        )


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
def save_citation(*, citation: Citation, user: AbstractBaseUser | None = None) -> Citation:
    """Add or change one citation on its own (the admin's citation page), of evidence its organisation may cite."""
    check_citable(citation.assessment.organisation_id, [(citation.evidence, citation.excerpt, citation.page)])
    citation.full_clean()
    citation._history_user = user
    citation.save()
    return citation


@transaction.atomic
def delete_assessments(assessments) -> int:
    """Delete assessments (a queryset or list), leave tombstones and refresh their recommendations' status."""
    ids = {a.recommendation_id for a in assessments}
    pks = [a.pk for a in assessments]
    # Only what partners could have copied: an unpublished one left the feed when it was unpublished.
    public = ImplementationAssessment.objects.filter(pk__in=pks, state=PUBLISHED).values_list("pk", flat=True)
    write_tombstones(DeletedObject.Kind.ASSESSMENT, public)
    deleted, _ = ImplementationAssessment.objects.filter(pk__in=pks).delete()
    refresh_current_status(ids)
    return deleted


@transaction.atomic
def delete_assessment(*, assessment: ImplementationAssessment, expected_version: int | None = None) -> None:
    """Delete one assessment; with `expected_version`, only while that is the stored one (else EditConflict)."""
    if expected_version is not None:
        claim_version(assessment, expected_version)
    delete_assessments([assessment])


def write_tombstones(kind: str, object_ids: Iterable[int]) -> None:
    """Record ids of public objects deleted or unpublished, so partners syncing through /api/v1/deletions/
    delete them too. Callers pass only objects that were public: the feed never names a private one."""
    DeletedObject.objects.bulk_create(DeletedObject(kind=kind, object_id=pk) for pk in sorted(set(object_ids)))


@transaction.atomic
def update_assessment(
    *,
    assessment: ImplementationAssessment,
    citations: Sequence[tuple[EvidenceSource, str, str]] | None = None,
    expected_version: int | None = None,
    user: AbstractBaseUser | None = None,
    **fields,
) -> ImplementationAssessment:
    """Change an assessment (and replace its citations when given), then refresh the current status.

    `fields` are model fields (status, assessed_on, narrative, organisation,
    assessor_kind, recommendation, state); when the recommendation changes,
    both the old and the new one are refreshed.
    """
    previous_recommendation_id = assessment.recommendation_id
    for name, value in fields.items():
        setattr(assessment, name, value)
    return save_assessment(
        assessment=assessment,
        user=user,
        expected_version=expected_version,
        citations=citations,
        refresh_also=previous_recommendation_id,
    )


@transaction.atomic
def save_assessment(
    *,
    assessment: ImplementationAssessment,
    user: AbstractBaseUser | None = None,
    expected_version: int | None = None,
    citations: Sequence[tuple[EvidenceSource, str, str]] | None = None,
    refresh_also: int | None = None,
) -> ImplementationAssessment:
    """Save an assessment already changed in memory (the admin's form did it), new or existing.

    An existing one is saved only if the stored version is `expected_version`
    (by default the version the instance was read at): otherwise EditConflict,
    so a colleague's edit is never silently overwritten. The recommendation's
    current status (and `refresh_also`'s, when the assessment moved) follows.
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
    refresh_current_status({assessment.recommendation_id, refresh_also or assessment.recommendation_id})
    return assessment


@transaction.atomic
def propose_revision(
    *,
    assessment: ImplementationAssessment,
    user: AbstractBaseUser | None = None,
    expected_version: int | None = None,
    citations: Sequence[tuple[EvidenceSource, str, str]] | None = None,
    state: str = ImplementationAssessment.State.SUBMITTED,
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
        raise ValidationError({name: "A proposed change keeps this as it is published." for name in sorted(fixed)})
    if (open_revision := current.revisions.filter(state__in=OPEN_STATES).first()) is not None:
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
    state: str = ImplementationAssessment.State.PUBLISHED,
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
    refresh_current_status(a.recommendation_id for a in assessments)
    return assessments


def claim_version(obj: ImplementationAssessment | EvidenceSource, expected: int) -> None:
    """Raise the stored version if it is still `expected` (locking the row), else raise EditConflict."""
    model = type(obj)
    if not model.objects.filter(pk=obj.pk, version=expected).update(version=F("version") + 1):
        raise EditConflict(model.objects.filter(pk=obj.pk).first() or obj)
    obj.version = expected + 1


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


def set_assessment_state(
    *, assessment: ImplementationAssessment, state: str, user: AbstractBaseUser | None = None
) -> ImplementationAssessment:
    """Publish, unpublish (back to draft), submit or reject an assessment; the current status follows."""
    return update_assessment(assessment=assessment, state=state, user=user)


@transaction.atomic
def delete_recommendations(recommendations) -> int:
    """Delete recommendations (a queryset or list) with their positions and assessments, leaving tombstones.

    Returns the number of recommendations deleted. Evidence sources stay: they
    may back other assessments.
    """
    pks = [r.pk for r in recommendations]
    assessments = ImplementationAssessment.objects.filter(recommendation_id__in=pks, state=PUBLISHED)
    write_tombstones(DeletedObject.Kind.ASSESSMENT, assessments.values_list("pk", flat=True))
    write_tombstones(DeletedObject.Kind.RECOMMENDATION, pks)
    Citation.objects.filter(assessment__recommendation_id__in=pks).delete()
    ImplementationAssessment.objects.filter(recommendation_id__in=pks).delete()
    Position.objects.filter(recommendation_id__in=pks).delete()
    deleted, _ = Recommendation.objects.filter(pk__in=pks).delete()
    return deleted


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
