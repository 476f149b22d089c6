"""Writes that touch several rows or models, in one place for every caller.

The admin, the API, the importers and management commands all record
assessments and positions through these functions, so the denormalised
current status and response on Recommendation never drift from their history.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction

from recommendations.models import (
    Citation,
    DeletedObject,
    EvidenceSource,
    ImplementationAssessment,
    Organisation,
    Position,
    Recommendation,
)

_REFRESH_STATUS_SQL = """
UPDATE {rec} AS r
   SET current_status = COALESCE(latest.status, ''),
       current_status_date = latest.assessed_on,
       updated_at = now()
  FROM unnest(%s::bigint[]) AS ids(id)
  LEFT JOIN LATERAL (
        SELECT a.status, a.assessed_on
          FROM {assessment} AS a
         WHERE a.recommendation_id = ids.id
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
       updated_at = now()
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


def refresh_current_status(recommendation_ids: Iterable[int]) -> int:
    """Copy each recommendation's latest assessment onto it; returns the rows changed.

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
) -> ImplementationAssessment:
    """Record an assessment with its citations (evidence, excerpt, page) and refresh the current status."""
    assessment = ImplementationAssessment(
        recommendation=recommendation,
        status=status,
        assessed_on=assessed_on,
        organisation=organisation,
        recorded_by=recorded_by,
        narrative=narrative,
        assessor_kind=assessor_kind,
    )
    assessment.full_clean()
    assessment.save()
    Citation.objects.bulk_create(
        Citation(assessment=assessment, evidence=evidence, excerpt=excerpt, page=page)
        for evidence, excerpt, page in citations
    )
    refresh_current_status([recommendation.pk])
    return assessment


@transaction.atomic
def delete_assessments(assessments) -> int:
    """Delete assessments (a queryset or list), leave tombstones and refresh their recommendations' status."""
    ids = {a.recommendation_id for a in assessments}
    pks = [a.pk for a in assessments]
    write_tombstones(DeletedObject.Kind.ASSESSMENT, pks)
    deleted, _ = ImplementationAssessment.objects.filter(pk__in=pks).delete()
    refresh_current_status(ids)
    return deleted


def delete_assessment(*, assessment: ImplementationAssessment) -> None:
    delete_assessments([assessment])


def write_tombstones(kind: str, object_ids: Iterable[int]) -> None:
    """Record deleted ids so partners syncing through /api/v1/deletions/ delete them too."""
    DeletedObject.objects.bulk_create(DeletedObject(kind=kind, object_id=pk) for pk in sorted(set(object_ids)))


@transaction.atomic
def update_assessment(
    *,
    assessment: ImplementationAssessment,
    citations: Sequence[tuple[EvidenceSource, str, str]] | None = None,
    **fields,
) -> ImplementationAssessment:
    """Change an assessment (and replace its citations when given), then refresh the current status.

    `fields` are model fields (status, assessed_on, narrative, organisation,
    assessor_kind, recommendation); when the recommendation changes, both the
    old and the new one are refreshed.
    """
    previous_recommendation_id = assessment.recommendation_id
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment.full_clean()
    assessment.save()
    if citations is not None:
        assessment.citations.all().delete()
        Citation.objects.bulk_create(
            Citation(assessment=assessment, evidence=evidence, excerpt=excerpt, page=page)
            for evidence, excerpt, page in citations
        )
    refresh_current_status({previous_recommendation_id, assessment.recommendation_id})
    return assessment


@transaction.atomic
def delete_recommendations(recommendations) -> int:
    """Delete recommendations (a queryset or list) with their positions and assessments, leaving tombstones.

    Returns the number of recommendations deleted. Evidence sources stay: they
    may back other assessments.
    """
    pks = [r.pk for r in recommendations]
    assessment_ids = ImplementationAssessment.objects.filter(recommendation_id__in=pks).values_list("pk", flat=True)
    write_tombstones(DeletedObject.Kind.ASSESSMENT, assessment_ids)
    write_tombstones(DeletedObject.Kind.RECOMMENDATION, pks)
    Citation.objects.filter(assessment__recommendation_id__in=pks).delete()
    ImplementationAssessment.objects.filter(recommendation_id__in=pks).delete()
    Position.objects.filter(recommendation_id__in=pks).delete()
    deleted, _ = Recommendation.objects.filter(pk__in=pks).delete()
    return deleted


@transaction.atomic
def delete_evidence_source(*, evidence: EvidenceSource) -> None:
    """Delete an evidence source that no assessment cites (raises ProtectedError otherwise)."""
    pk = evidence.pk
    evidence.delete()
    write_tombstones(DeletedObject.Kind.EVIDENCE_SOURCE, [pk])
