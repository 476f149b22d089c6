"""Recommendations: positions (their current response follows by trigger, migration 0021), deletion."""

import datetime

from django.db import transaction

from recommendations.models import (
    Citation,
    DeletedObject,
    ImplementationAssessment,
    Position,
    Publication,
    Recommendation,
)
from recommendations.services.common import write_tombstones


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
    position.save()  # the database makes it current if it is the latest (migration 0021)
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
    _, deleted = Recommendation.objects.filter(pk__in=pks).delete()
    return deleted.get(Recommendation._meta.label, 0)  # the recommendations alone, not what cascaded
