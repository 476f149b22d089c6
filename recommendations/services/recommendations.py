"""Recommendations: positions (their current response follows by trigger, migration 0021), classification,
deletion."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from recommendations import permissions
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


CLASSIFICATION_RELATIONS = ("themes", "affected_groups", "sdgs")


@transaction.atomic
def classify_recommendation(*, recommendation: Recommendation, user, **classification) -> list[str]:
    """Change a recommendation's classification (themes, affected_groups, sdgs as iterables of objects,
    action_category), as far as permissions.py lets the user; returns the fields that changed. Writes nothing
    when nothing changed, else one history row naming the user and the fields."""
    refused = [name for name in classification if not permissions.may_change_recommendation_field(user, name)]
    if refused:
        message = _("You may not change the %(fields)s of recommendations.")
        raise PermissionDenied(message % {"fields": ", ".join(refused)})
    changed = []
    for name, value in classification.items():
        if name in CLASSIFICATION_RELATIONS:
            related = getattr(recommendation, name)
            if set(related.values_list("pk", flat=True)) != {item.pk for item in value}:
                related.set(value)
                changed.append(name)
        elif getattr(recommendation, name) != value:
            setattr(recommendation, name, value)
            changed.append(name)
    if changed:
        recommendation.full_clean()
        recommendation._history_user = user
        recommendation._change_reason = f"Classification changed: {', '.join(changed)}"[:100]
        recommendation.save()
    return changed


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
