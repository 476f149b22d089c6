"""Removing the demo once real data is in, and whether `load_demo` may load it.

The demo's recommendations are marked by their import key (models.DEMO_KEY_PREFIX); the organisation and
editor login it created are recorded in the DemoData row. `remove_demo()` deletes them through the services,
with what hangs off them (positions, assessments and their citations, evidence, advocacy asks and their
matches, briefing texts, memberships, repeat links), each row with its history, and records the removal so
that `load_demo` never loads the demo again. Real rows are left as they are.
"""

from collections import Counter

from django.db import transaction
from django.utils import timezone

from recommendations import services
from recommendations.demo.reviews import REVIEWS
from recommendations.models import DEMO_KEY_PREFIX, DemoData, Recommendation, Review


def demo_recommendations():
    return Recommendation.objects.filter(import_key__startswith=DEMO_KEY_PREFIX)


def reason_not_to_load() -> str | None:
    """Why `load_demo` must load nothing (one line), or None: removed once, or real recommendations are in."""
    marker = DemoData.objects.filter(pk=1).first()
    if marker is not None and marker.removed_at is not None:
        return f"Demo not loaded: it was removed on {marker.removed_at:%Y-%m-%d} (remove_demo) and is not loaded again."
    if not Recommendation.objects.exclude(import_key__startswith=DEMO_KEY_PREFIX).exists():
        return None
    if demo_recommendations().exists():
        return (
            "Demo not loaded again: real recommendations were imported; "
            "`.venv/bin/python manage.py remove_demo` removes the demo's."
        )
    return "Demo not loaded: the database holds real recommendations."


@transaction.atomic
def remove_demo() -> Counter:
    """Delete every demo row and what hangs off it, and record the removal; returns the counts by kind."""
    marker = DemoData.objects.select_for_update().filter(pk=1).first() or DemoData(pk=1)
    counts = Counter()
    recommendations = demo_recommendations()
    review_ids = set(recommendations.values_list("review_id", flat=True))
    if marker.organisation is not None:
        counts.update(services.delete_organisation(organisation=marker.organisation))
    counts["recommendations"] = services.delete_recommendations(recommendations)
    counts["reviews"] = _tidy_reviews(review_ids)
    if marker.editor is not None:
        marker.editor.delete()  # the login whose password the source code publishes; memberships go with it
        counts["users"] = 1
    marker.organisation = marker.editor = None
    marker.removed_at = timezone.now()
    marker.save()
    return +counts


def _tidy_reviews(review_ids: set[int]) -> int:
    """Delete the demo's reviews left empty; clear the demo's notes on those real recommendations share."""
    demo_notes = {(data["state"], data["session"]): data["notes"] for data in REVIEWS}
    deleted = 0
    for review in Review.objects.filter(pk__in=review_ids).select_related("state", "session"):
        if not (review.recommendations.exists() or review.proposals.exists()):
            review.delete()
            deleted += 1
        elif review.notes and review.notes == demo_notes.get((review.state.iso3, review.session.number)):
            review.notes = ""
            review.save(update_fields=["notes", "updated_at"])
    return deleted
