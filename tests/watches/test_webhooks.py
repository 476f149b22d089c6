"""Webhooks against a real HTTP server in a thread on 127.0.0.1 (WEBHOOK_ALLOW_PRIVATE lets tests post there)."""

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Webhook, WebhookDelivery
from recommendations.watches.webhooks import deliver_due, queue, refused_address


@pytest.fixture
def endpoint():
    """A local endpoint that records what it receives and answers `status` (200 unless a test changes it)."""
    received, state = [], {"status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers, body))  # case-insensitive, as HTTP headers are
            self.send_response(state["status"])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}/hook", "received": received, "state": state}
    server.shutdown()
    server.server_close()


@pytest.fixture
def webhook(settings, watch_kaz, endpoint):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.SITE_URL = "https://upr.example.org"
    hook = Webhook.objects.create(watch=watch_kaz, url=endpoint["url"])
    Webhook.objects.filter(pk=hook.pk).update(created_at=watch_kaz.created_at)
    hook.refresh_from_db()
    return hook


def _new_recommendation(review_kaz_2010, make_recommendation):
    return make_recommendation(review_kaz_2010, "Abolish the death penalty", paragraph="97.40")


def test_a_delivery_is_signed_and_verifiable(webhook, endpoint, review_kaz_2010, make_recommendation):
    made = _new_recommendation(review_kaz_2010, make_recommendation)
    now = timezone.now()
    assert queue(now) == 1
    assert deliver_due(now).delivered == 1
    ((headers, body),) = endpoint["received"]
    timestamp = headers["X-UPR-Timestamp"]
    expected = hmac.new(webhook.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert headers["X-UPR-Signature"] == f"sha256={expected}"
    sent = json.loads(body)
    assert sent["watch"] == {"id": webhook.watch_id, "label": "Kazakhstan"}
    assert sent["changes"] == [
        {
            "id": f"urn:upr-tracker:recommendation:{made.pk}",
            "type": "recommendation",
            "title": "New recommendation: Kazakhstan, 97.40",
            "url": f"https://upr.example.org/recommendations/{made.pk}/",
            "at": made.created_at.isoformat(),
        }
    ]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_response) == ("delivered", 1, "200 OK")
    # The next run finds nothing new: nothing queued, nothing posted twice.
    assert queue(now + datetime.timedelta(minutes=1)) == 0
    assert deliver_due(now + datetime.timedelta(minutes=1)).delivered == 0
    assert len(endpoint["received"]) == 1


def test_a_failing_endpoint_is_retried_with_backoff_then_disabled(
    webhook, endpoint, review_kaz_2010, make_recommendation, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS, settings.WEBHOOK_DISABLE_AFTER = 60, 3
    endpoint["state"]["status"] = 500
    _new_recommendation(review_kaz_2010, make_recommendation)
    now = timezone.now()
    queue(now)
    delays = []
    for _attempt in range(3):
        deliver_due(now)
        delivery = WebhookDelivery.objects.get()
        if delivery.next_attempt_at:
            delays.append((delivery.next_attempt_at - now).total_seconds())
            assert deliver_due(now).failed == 0  # not due before its backoff
            now = delivery.next_attempt_at
    assert delays == [60, 120]  # doubled at each failure
    assert len(endpoint["received"]) == 3
    delivery.refresh_from_db()
    webhook.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response) == (
        "failed",
        3,
        "HTTP Error 500: Internal Server Error",
    )
    assert (webhook.active, webhook.consecutive_failures) == (False, 3)
    (told,) = mail.outbox
    assert told.to == ["reader@example.org"] and "failed 3 times in a row" in told.body
    # Disabled: nothing more is queued or posted.
    make_recommendation(review_kaz_2010, "Ratify the Optional Protocol")
    assert queue(now + datetime.timedelta(hours=1)) == 0


def test_a_redirect_is_a_failure_not_followed(webhook, endpoint, review_kaz_2010, make_recommendation):
    endpoint["state"]["status"] = 302
    _new_recommendation(review_kaz_2010, make_recommendation)
    now = timezone.now()
    queue(now)
    assert deliver_due(now).failed == 1


def test_private_and_plain_http_addresses_are_refused(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    for url in (
        "http://example.org/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.8/",
        "https://[::1]/",
        "https://169.254.169.254/latest/meta-data/",
        "https://localhost/hook",
    ):
        assert refused_address(url), url
    settings.WEBHOOK_ALLOW_PRIVATE = True
    assert refused_address("http://127.0.0.1:8080/hook") is None


def test_a_reader_registers_a_webhook_and_sees_the_secret_once(client, watch_kaz, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    client.force_login(watch_kaz.owner)
    response = client.post(reverse("recommendations:webhook-new", args=[watch_kaz.pk]), {"url": "http://127.0.0.1:9/h"})
    webhook = Webhook.objects.get()
    assert response.status_code == 200 and webhook.secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    page = client.get(reverse("recommendations:my-watches")).content.decode()
    assert "http://127.0.0.1:9/h" in page and webhook.secret not in page
    assert webhook.secret not in client.get(reverse("recommendations:webhook-log", args=[webhook.pk])).content.decode()
    assert webhook.history.count() == 1 and not hasattr(webhook.history.first(), "secret")


def test_a_private_address_cannot_be_registered(client, watch_kaz, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    client.force_login(watch_kaz.owner)
    response = client.post(reverse("recommendations:webhook-new", args=[watch_kaz.pk]), {"url": "https://127.0.0.1/h"})
    assert response.status_code == 400 and "private network" in response.content.decode()
    assert not Webhook.objects.exists()


def test_no_one_reaches_another_users_webhook(client, webhook, other_reader, staff_admin):
    for user in (other_reader, staff_admin):
        client.force_login(user)
        assert client.get(reverse("recommendations:webhook-log", args=[webhook.pk])).status_code == 404
        assert client.post(reverse("recommendations:webhook-delete", args=[webhook.pk])).status_code == 404
        new = client.post(
            reverse("recommendations:webhook-new", args=[webhook.watch_id]), {"url": "http://127.0.0.1:9/"}
        )
        assert new.status_code == 404
    assert Webhook.objects.count() == 1
