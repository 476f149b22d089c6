"""Advocacy asks: the recommendations an organisation wants States to make in a coming review."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations.models.followup import Decision, SuggestionStatus
from states.models import State


class ProposedRecommendation(models.Model):
    """One ask: what an organisation wants the State under review to be recommended."""

    organisation = models.ForeignKey(
        "Organisation", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("organisation")
    )
    review = models.ForeignKey(
        "Review",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("review"),
        help_text=_("The coming review the ask is for; its State is the target."),
    )
    text = models.TextField(
        _("text"), help_text=_("The recommendation as the organisation would like a State to make it.")
    )
    themes = models.ManyToManyField("Theme", related_name="proposals", blank=True, verbose_name=_("themes"))
    lobbied_states = models.ManyToManyField(
        State,
        related_name="lobbied_for",
        blank=True,
        verbose_name=_("States lobbied"),
        help_text=_("The States the organisation asked to make this recommendation."),
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("For the organisation only; never shown publicly."))
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Shown on public briefings and uptake pages. Until then only the organisation's members see it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("advocacy ask")
        verbose_name_plural = _("advocacy asks")
        ordering = ["review", "organisation", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="proposal_text_not_empty"),
        ]
        indexes = [models.Index(fields=["organisation", "review"], name="proposal_org_review_idx")]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.review}: {self.text[:60]}"


class AskMatch(Decision):
    """A real recommendation that may be the ask taken up."""

    proposal = models.ForeignKey(
        ProposedRecommendation, on_delete=models.CASCADE, related_name="matches", verbose_name=_("proposal")
    )
    recommendation = models.ForeignKey(
        "Recommendation", on_delete=models.CASCADE, related_name="ask_matches", verbose_name=_("recommendation")
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=1, help_text=_("1 for the best suggestion for this ask.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ask match")
        verbose_name_plural = _("ask matches")
        ordering = ["proposal", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "recommendation"], name="askmatch_unique_pair"),
            models.CheckConstraint(
                condition=models.Q(status__in=SuggestionStatus.values), name="askmatch_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=1), name="askmatch_score_range"),
        ]
        indexes = [models.Index(fields=["recommendation", "status"], name="askmatch_recommendation_idx")]

    def __str__(self) -> str:
        values = {
            "ask": self.proposal_id,
            "recommendation": self.recommendation_id,
            "status": self.get_status_display(),
        }
        return gettext("Ask %(ask)s ↔ recommendation %(recommendation)s (%(status)s)") % values
