"""Post watches' changes to their webhooks: run it every minute from cron or a systemd timer.

Queues a delivery for each active webhook whose watch changed, then posts every delivery that is due, retrying
failures with exponential backoff (recommendations/watches/webhooks.py).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from recommendations.watches.webhooks import deliver_due, queue


class Command(BaseCommand):
    help = "Queue and post webhook deliveries of watches' changes; failures are retried with backoff."

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        queued = queue(now)
        sent = deliver_due(now)
        self.stdout.write(
            f"{queued} queued, {sent.delivered} delivered, {sent.failed} failed, {sent.disabled} webhook(s) disabled"
        )
