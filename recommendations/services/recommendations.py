"""Recommendations: their current status and response copied from their history, positions, deletion."""

import datetime
from collections.abc import Iterable

from django.db import connection, transaction

from recommendations.models import (
    Citation,
    DeletedObject,
    ImplementationAssessment,
    Position,
    Publication,
    Recommendation,
)
from recommendations.services.common import write_tombstones

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
def delete_recommendations(recommendations) -> int:
    """Delete recommendations (a queryset or list) with their positions and assessments, leaving tombstones.

    Returns the number of recommendations deleted. Evidence sources stay: they
    may back other assessments.
    """
    pks = [r.pk for r in recommendations]
    assessments = ImplementationAssessment.objects.filter(recommendation_id__in=pks, state=Publication.PUBLISHED)
    write_tombstones(DeletedObject.Kind.ASSESSMENT, assessments.values_list("pk", flat=True))
    write_tombstones(DeletedObject.Kind.RECOMMENDATION, pks)
    Citation.objects.filter(assessment__recommendation_id__in=pks).delete()
    ImplementationAssessment.objects.filter(recommendation_id__in=pks).delete()
    Position.objects.filter(recommendation_id__in=pks).delete()
    deleted, _ = Recommendation.objects.filter(pk__in=pks).delete()
    return deleted
