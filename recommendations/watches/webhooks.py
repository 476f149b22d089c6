"""Webhooks: a watch's changes posted as signed JSON to a partner's endpoint, by `manage.py deliver_webhooks`.

Each run (cron every minute) first queues one delivery per active webhook whose watch has changes since the last
window it looked at, then posts every delivery that is due. A body is signed with the webhook's secret:
`X-UPR-Signature: sha256=<hex>` is HMAC-SHA256 over `<X-UPR-Timestamp>.<body>`, so a receiver checks both and
refuses old timestamps (replays). A failed attempt (no answer, a redirect, anything but 2xx) is retried after
WEBHOOK_RETRY_BASE_SECONDS × 2^(attempts − 1); after WEBHOOK_DISABLE_AFTER failures in a row the webhook is
disabled, its waiting deliveries marked failed, and its owner told by email.

Addresses: https only, and never a private, loopback, link-local or otherwise non-public address, checked when
the webhook is registered and again before every attempt (WEBHOOK_ALLOW_PRIVATE=true lifts both, for
development and tests). Redirects are not followed.
"""

import datetime
import hashlib
import hmac
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from recommendations.models import Webhook, WebhookDelivery
from recommendations.watches.changes import changes
from recommendations.watches.feed import entries

USER_AGENT = "UPR-Tracker-Webhook/1"


def refused_address(url: str) -> str | None:
    """Why the address may not receive webhooks, or None."""
    parts = urlsplit(url)
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return None if parts.scheme in ("http", "https") and parts.hostname else _("Give an http(s) address.")
    if parts.scheme != "https" or not parts.hostname:
        return _("Give an https:// address.")
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return _("This host name cannot be found.")
    if any(not ipaddress.ip_address(info[4][0]).is_global for info in found):
        return _("This address is on a private network: webhooks go to public addresses only.")
    return None


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def payload(webhook: Webhook, start: datetime.datetime, end: datetime.datetime, found) -> str:
    items = [
        {
            "id": entry.guid,
            "type": entry.guid.split(":")[2],
            "title": entry.title,
            "url": settings.SITE_URL + entry.link,
            "at": entry.when.isoformat(),
        }
        for entry in entries(found)
    ]
    watch = {"id": webhook.watch_id, "label": webhook.watch.label}
    return json.dumps({"watch": watch, "from": start.isoformat(), "until": end.isoformat(), "changes": items})


def queue(now: datetime.datetime) -> int:
    """A delivery for each active webhook whose watch changed since the window it last looked at."""
    queued = 0
    webhooks = Webhook.objects.filter(active=True).select_related(
        "watch__state", "watch__theme", "watch__recommendation"
    )
    for webhook in webhooks:
        start = webhook.checked_until or webhook.created_at
        found = changes(webhook.watch, start, now)
        with transaction.atomic():
            if found:
                body = payload(webhook, start, now, found)
                WebhookDelivery.objects.create(webhook=webhook, payload=body, changes=len(found), next_attempt_at=now)
                queued += 1
            Webhook.objects.filter(pk=webhook.pk).update(checked_until=now)
    return queued


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is a failure: following it could lead to a private address


def post(url: str, body: bytes, headers: dict[str, str]) -> str:
    """POST and return the answer's status line; raises OSError (urllib's errors) on anything but 2xx."""
    refused = refused_address(url)
    if refused:
        raise OSError(refused)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.build_opener(_NoRedirects).open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
        return f"{response.status} {response.reason}"


@dataclass
class Sent:
    delivered: int = 0
    failed: int = 0
    disabled: int = 0


def deliver_due(now: datetime.datetime) -> Sent:
    sent = Sent()
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, webhook__active=True
    ).values_list("pk", flat=True)
    for pk in list(due[:1000]):
        with transaction.atomic():
            delivery = (
                WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("webhook__watch__owner")
                .filter(pk=pk, status=WebhookDelivery.Status.PENDING)
                .first()
            )
            if delivery is not None:
                _attempt(delivery, now, sent)
    return sent


def _attempt(delivery: WebhookDelivery, now: datetime.datetime, sent: Sent) -> None:
    webhook, body = delivery.webhook, delivery.payload.encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-UPR-Timestamp": timestamp,
        "X-UPR-Signature": signature(webhook.secret, timestamp, body),
        "X-UPR-Delivery": str(delivery.pk),
    }
    delivery.attempts += 1
    try:
        delivery.last_response = post(webhook.url, body, headers)[:300]
    except (OSError, ValueError) as error:
        delivery.last_response = str(error)[:300]
        _failed(delivery, now, sent)
    else:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = WebhookDelivery.Status.DELIVERED, now, None
        webhook.consecutive_failures = 0
        webhook.save(update_fields=["consecutive_failures"])
        sent.delivered += 1
    delivery.save()


def _failed(delivery: WebhookDelivery, now: datetime.datetime, sent: Sent) -> None:
    webhook = delivery.webhook
    webhook.consecutive_failures += 1
    wait = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1)
    delivery.next_attempt_at = now + datetime.timedelta(seconds=wait)
    sent.failed += 1
    if webhook.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER:
        webhook.active = False
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        webhook.deliveries.filter(status=WebhookDelivery.Status.PENDING).exclude(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED, next_attempt_at=None
        )
        _tell_owner(webhook)
        sent.disabled += 1
    webhook.save(update_fields=["consecutive_failures", "active"])


def _tell_owner(webhook: Webhook) -> None:
    owner = webhook.watch.owner
    if not owner.email:
        return
    with translation.override(webhook.watch.language):
        context = {"webhook": webhook, "site_url": settings.SITE_URL, "failures": webhook.consecutive_failures}
        subject = _("UPR Tracker: your webhook is disabled")
        body = render_to_string("recommendations/watches/webhook_disabled.txt", context)
    send_mail(subject, body, None, [owner.email])
