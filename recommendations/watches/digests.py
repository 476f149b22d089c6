"""Email digests of what changed for users' watches: one email per user and period, never two.

`send_digests(frequency, now)` takes each user's watches of that frequency that have no `DigestSent` for the
current period (the day for daily watches, the ISO week's Monday for weekly ones). A watch's window runs from
the end of its last digest (or its creation) to `now`, so nothing is missed between runs and nothing counted
twice. Per user, the `DigestSent` rows are inserted and the email sent in one transaction: a second run, even
a concurrent one, meets the unique constraint and sends nothing; a failed send rolls back and is retried.
"""

import datetime
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from recommendations.models import DigestSent, Watch
from recommendations.watches.changes import Changes, changes

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    emails: int = 0
    watches: int = 0
    failed: int = 0


def period_of(frequency: str, now: datetime.datetime) -> datetime.date:
    """The day (daily) or the Monday of the ISO week (weekly) `now` falls in, in UTC."""
    day = now.astimezone(datetime.UTC).date()
    return day if frequency == Watch.Frequency.DAILY else day - datetime.timedelta(days=day.weekday())


def due_watches(frequency: str, period: datetime.date):
    """Watches of that frequency with no digest yet for the period, each with the end of its last digest."""
    sent = DigestSent.objects.filter(watch=OuterRef("pk"))
    return (
        Watch.objects.filter(frequency=frequency, owner__is_active=True)
        .exclude(owner__email="")
        .exclude(Exists(DigestSent.objects.filter(watch=OuterRef("pk"), frequency=frequency, period=period)))
        .annotate(last_end=Subquery(sent.values("watch").annotate(end=Max("window_end")).values("end")))
        .select_related("owner", "state", "theme__scheme", "recommendation")
        .order_by("owner_id", "-created_at", "-id")
    )


def send_digests(frequency: str, now: datetime.datetime) -> Outcome:
    period = period_of(frequency, now)
    by_owner = defaultdict(list)
    for watch in due_watches(frequency, period):
        by_owner[watch.owner].append(watch)
    outcome = Outcome()
    for owner, watches in by_owner.items():
        found = [changes(watch, watch.last_end or watch.created_at, now) for watch in watches]
        try:
            with transaction.atomic():
                _record(found, frequency, period, now)
                if any(found):
                    _send(owner, [item for item in found if item], frequency)
                    outcome.emails += 1
                    outcome.watches += sum(1 for item in found if item)
        except IntegrityError:  # another run recorded this period first
            logger.info("Digest for user %s, %s %s already sent", owner.pk, frequency, period)
        except (OSError, smtplib.SMTPException):  # rolled back: the next run tries again
            logger.exception("Digest for user %s, %s %s not sent", owner.pk, frequency, period)
            outcome.failed += 1
    return outcome


def _record(found: list[Changes], frequency: str, period: datetime.date, now: datetime.datetime) -> None:
    DigestSent.objects.bulk_create(
        DigestSent(
            watch=item.watch,
            frequency=frequency,
            period=period,
            window_start=item.watch.last_end or item.watch.created_at,
            window_end=now,
            changes=len(item),
        )
        for item in found
    )


def _send(owner, found: list[Changes], frequency: str) -> None:
    """One email in the language of the owner's newest watch (their watches come newest first)."""
    with translation.override(found[0].watch.language):
        context = {
            "owner": owner,
            "found": found,
            "site_url": settings.SITE_URL,
            "frequency": frequency,
            "language": found[0].watch.language,
        }
        subject = gettext("UPR Tracker: what changed for your watches")
        text = render_to_string("recommendations/watches/digest.txt", context)
        html = render_to_string("recommendations/watches/digest.html", context)
    message = EmailMultiAlternatives(subject, text, to=[owner.email])
    message.attach_alternative(html, "text/html")
    message.send()
