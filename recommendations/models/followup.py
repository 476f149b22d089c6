"""Links between recommendations that the app suggests and editors confirm.

Both kinds, a recommendation repeated in a later review (RepeatLink) and an
advocacy ask taken up by a real recommendation (AskMatch in advocacy.py), go
through the same three states: the app suggests, an editor confirms or
dismisses. A dismissed suggestion is kept so the next computation does not
suggest it again.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SuggestionStatus(models.TextChoices):
    # Translators: what an editor decided about a link the app suggested (a repeat, an ask taken up).
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Decision(models.Model):
    """What an editor decided about a suggestion, and who and when."""

    status = models.CharField(
        _("status"), max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.SUGGESTED
    )
    score = models.FloatField(
        _("score"), help_text=_("How alike the two texts are, 0 to 1, when the app suggested the link.")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def decide(self, status: str, user) -> None:
        """Record an editor's decision (history names the user); saves a new suggestion whole."""
        self.status, self.decided_by, self.decided_at = status, user, timezone.now()
        self._history_user = user
        if self.pk is None:
            self.save()
        else:
            self.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])


class RepeatLink(Decision):
    """`later` repeats `earlier`: the same State under review was asked the same thing again.

    The earlier recommendation belongs to an earlier session than the later one
    (services check it; no constraint can span the two reviews).
    """

    earlier = models.ForeignKey(
        "Recommendation", on_delete=models.CASCADE, related_name="repeated_by", verbose_name=_("earlier")
    )
    later = models.ForeignKey(
        "Recommendation", on_delete=models.CASCADE, related_name="repeats", verbose_name=_("later")
    )
    shared_themes = models.PositiveSmallIntegerField(_("shared themes"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("repeat link")
        verbose_name_plural = _("repeat links")
        ordering = ["earlier", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["earlier", "later"], name="repeatlink_unique_pair"),
            models.CheckConstraint(condition=~models.Q(earlier=models.F("later")), name="repeatlink_not_self"),
            models.CheckConstraint(
                condition=models.Q(status__in=SuggestionStatus.values), name="repeatlink_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=1), name="repeatlink_score_range"),
        ]
        indexes = [
            models.Index(fields=["later", "status"], name="repeatlink_later_idx"),
            models.Index(fields=["status", "-score"], name="repeatlink_queue_idx"),
        ]

    def __str__(self) -> str:
        values = {"later": self.later_id, "earlier": self.earlier_id, "status": self.get_status_display()}
        return gettext("%(later)s repeats %(earlier)s (%(status)s)") % values
