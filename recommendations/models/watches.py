"""Watches: a signed-in user's saved search, State, theme or recommendation, with email digests and a feed.

recommendations/watches/ lists what changed for a watch (public data only) and sends the digests;
`DigestSent` records each (watch, period) sent so that a rerun of `send_digests` never sends twice.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

QUERY_MAX_LENGTH = 2000


def new_feed_token() -> str:
    """43 URL-safe characters (256 bits): the feed's address is its only key."""
    return secrets.token_urlsafe(32)


class WatchKind(models.TextChoices):
    SEARCH = "search", _("Search")
    STATE = "state", _("State under review")
    THEME = "theme", _("Theme")
    RECOMMENDATION = "recommendation", _("Recommendation")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    OFF = "off", _("No email")


class Watch(models.Model):
    """What one user follows; exactly the field its kind names is set (a database constraint says so)."""

    Kind = WatchKind
    Frequency = Frequency

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches", verbose_name=_("owner")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=WatchKind.choices)
    query = models.CharField(
        _("search"),
        max_length=QUERY_MAX_LENGTH,
        blank=True,
        help_text=_("The query string of the recommendations search page, e.g. theme=upr-info:women&cycle=3."),
    )
    state = models.ForeignKey(
        "states.State", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("State")
    )
    theme = models.ForeignKey(
        "Theme", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("theme")
    )
    recommendation = models.ForeignKey(
        "Recommendation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recommendation"),
    )
    frequency = models.CharField(_("email"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    language = models.CharField(
        _("language"), max_length=10, default="en", help_text=_("The language its emails are written in.")
    )
    feed_token = models.CharField(_("feed key"), max_length=64, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["feed_token"])  # a feed key is a secret: not kept in history

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        ordering = ["owner", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=WatchKind.values), name="watch_kind_valid"),
            models.CheckConstraint(condition=models.Q(frequency__in=Frequency.values), name="watch_frequency_valid"),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="search", state__isnull=True, theme__isnull=True, recommendation__isnull=True)
                    | models.Q(kind="state", state__isnull=False, theme__isnull=True, recommendation__isnull=True)
                    | models.Q(kind="theme", state__isnull=True, theme__isnull=False, recommendation__isnull=True)
                    | models.Q(
                        kind="recommendation", state__isnull=True, theme__isnull=True, recommendation__isnull=False
                    )
                ),
                name="watch_target_matches_kind",
            ),
            models.UniqueConstraint(fields=["feed_token"], name="watch_feed_token_unique"),
        ]
        indexes = [
            # send_digests reads the watches of one frequency, grouped by owner.
            models.Index(fields=["frequency", "owner"], name="watch_frequency_idx"),
        ]

    def __str__(self) -> str:
        # Neither the owner's query nor its target: the admin names watches when it deletes a user.
        return gettext("Watch #%(id)s (%(kind)s)") % {"id": self.pk, "kind": self.get_kind_display()}

    @property
    def label(self) -> str:
        """What the watch follows, in words (the current language for names)."""
        if self.kind == WatchKind.STATE:
            return self.state.localized_name
        if self.kind == WatchKind.THEME:
            return self.theme.localized_name
        if self.kind == WatchKind.RECOMMENDATION:
            return gettext("Recommendation %(label)s") % {
                "label": self.recommendation.paragraph or self.recommendation_id
            }
        return gettext("Search: %(query)s") % {"query": self.query or gettext("all recommendations")}

    @property
    def public_url(self) -> str:
        """The public page of what the watch follows: the search page with its query for a saved search."""
        if self.kind == WatchKind.STATE:
            return reverse("states:profile", args=[self.state.iso3])
        if self.kind == WatchKind.THEME:
            return reverse("recommendations:theme", args=[self.theme.scheme.slug, self.theme.slug])
        if self.kind == WatchKind.RECOMMENDATION:
            return reverse("recommendations:detail", args=[self.recommendation_id])
        return f"{reverse('recommendations:search')}?{self.query}"

    def regenerate_feed_token(self) -> None:
        """A new feed address; the old one answers 404 from now on."""
        self.feed_token = new_feed_token()
        self.save(update_fields=["feed_token"])


class DigestSent(models.Model):
    """One watch's changes sent for one period: the unique constraint makes `send_digests` idempotent."""

    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="digests", verbose_name=_("watch"))
    frequency = models.CharField(_("email"), max_length=10, choices=Frequency.choices)
    period = models.DateField(_("period"), help_text=_("The day of a daily digest, the Monday of a weekly one."))
    window_start = models.DateTimeField(_("changes from"))
    window_end = models.DateTimeField(_("changes until"))
    changes = models.PositiveIntegerField(_("changes"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(frequency__in=["daily", "weekly"]), name="digest_frequency_valid"
            ),
            models.UniqueConstraint(fields=["watch", "frequency", "period"], name="digest_sent_once"),
        ]

    def __str__(self) -> str:
        return gettext("%(watch)s, %(start)s") % {"watch": self.watch, "start": f"{self.period:%Y-%m-%d}"}


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    """A partner's endpoint that receives a watch's changes as signed JSON POSTs (recommendations/watches/webhooks.py).

    The secret signs each delivery (HMAC-SHA256); it is shown once, when the webhook is registered. After
    WEBHOOK_DISABLE_AFTER failed attempts in a row the webhook is disabled and its owner told by email.
    """

    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("watch"))
    url = models.URLField(_("address"), max_length=500, help_text=_("Where the changes are posted (https://…)."))
    secret = models.CharField(_("secret"), max_length=64, default=new_webhook_secret, editable=False)
    active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    checked_until = models.DateTimeField(
        _("changes checked until"), null=True, blank=True, help_text=_("The end of the last window looked at.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["secret"])  # the signing secret is not kept in history

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["watch", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["watch", "url"], name="webhook_url_unique_per_watch")]

    def __str__(self) -> str:
        return gettext("Webhook #%(id)s") % {"id": self.pk}  # not its address, which is its owner's alone


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One POST of a watch's changes to a webhook, with its attempts: the delivery log its owner reads."""

    Status = DeliveryStatus

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook"))
    payload = models.TextField(_("payload"), help_text=_("The JSON body posted, the same at every attempt."))
    changes = models.PositiveIntegerField(_("changes"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_response = models.CharField(_("last response"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=DeliveryStatus.values), name="delivery_status_valid"),
        ]
        indexes = [
            # deliver_webhooks: the waiting deliveries whose next attempt is due.
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="delivery_due_idx"),
            # The delivery log of one webhook, newest first.
            models.Index(fields=["webhook", "-created_at"], name="delivery_log_idx"),
        ]

    def __str__(self) -> str:
        return gettext("%(webhook)s, %(when)s: %(status)s") % {
            "webhook": self.webhook,
            "when": f"{self.created_at:%Y-%m-%d %H:%M}",
            "status": self.get_status_display(),
        }
