"""A watch's changes as feed entries (the private Atom feed, recommendations/site/watches.py)."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from recommendations.models import Watch
from recommendations.watches.changes import Changes, changes

FEED_DAYS = 30


@dataclass(frozen=True)
class Entry:
    guid: str
    title: str
    description: str
    link: str
    when: datetime.datetime


def _place(recommendation) -> str:
    label = recommendation.paragraph or f"#{recommendation.pk}"
    return f"{recommendation.review.state.localized_name}, {label}"


def entries(found: Changes) -> list[Entry]:
    """Every change as an entry, newest first; guids stay the same from one read to the next."""
    made = [
        Entry(
            f"urn:upr-tracker:recommendation:{rec.pk}",
            _("New recommendation: %(place)s") % {"place": _place(rec)},
            Truncator(rec.text).chars(300),
            reverse("recommendations:detail", args=[rec.pk]),
            rec.created_at,
        )
        for rec in found.recommendations
    ]
    made += [
        Entry(
            f"urn:upr-tracker:position:{position.pk}",
            _("Response recorded: %(response)s, %(place)s")
            % {"response": position.get_response_display(), "place": _place(position.recommendation)},
            Truncator(position.recommendation.text).chars(300),
            reverse("recommendations:detail", args=[position.recommendation_id]),
            position.created_at,
        )
        for position in found.positions
    ]
    made += [
        Entry(
            f"urn:upr-tracker:assessment:{item.pk}:{item.version}",
            _("Assessment published: %(status)s, %(place)s")
            % {"status": item.get_status_display(), "place": _place(item.recommendation)},
            f"{item.organisation.name}. {item.narrative}",
            reverse("recommendations:detail", args=[item.recommendation_id]),
            item.updated_at,
        )
        for item in found.assessments
    ]
    return sorted(made, key=lambda entry: entry.when, reverse=True)


def feed_items(watch: Watch, now: datetime.datetime) -> list[Entry]:
    return entries(changes(watch, now - datetime.timedelta(days=FEED_DAYS), now))
