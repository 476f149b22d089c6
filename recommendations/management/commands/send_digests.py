"""Email each user what changed for their watches: run it daily from cron or a systemd timer.

`manage.py send_digests` sends the daily digests for today and the weekly ones for this ISO week (the first
run of the week sends them); `--frequency daily` or `weekly` sends only one kind. A rerun in the same period
sends nothing (recommendations/watches/digests.py).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from recommendations.models import Watch
from recommendations.watches.digests import send_digests


class Command(BaseCommand):
    help = "Email watch digests (daily and weekly); a rerun in the same period sends nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--frequency", choices=["daily", "weekly"], help="Only this kind (default: both).")

    def handle(self, *args, frequency: str | None = None, **options) -> None:
        now = timezone.now()
        for kind in [frequency] if frequency else [Watch.Frequency.DAILY, Watch.Frequency.WEEKLY]:
            outcome = send_digests(kind, now)
            self.stdout.write(
                f"{kind}: {outcome.emails} email(s) about {outcome.watches} watch(es), {outcome.failed} failed to send"
            )
