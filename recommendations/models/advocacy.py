"""Advocacy asks: the recommendations an organisation wants States to make in a coming review."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from recommendations.models.followup import Decision, SuggestionStatus
from states.models import State


class ProposedRecommendation(models.Model):
    """One ask: what an organisation wants the State under review to be recommended."""

    organisation = models.ForeignKey("Organisation", on_delete=models.PROTECT, related_name="proposals")
    review = models.ForeignKey(
        "Review",
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text="The coming review the ask is for; its State is the target.",
    )
    text = models.TextField(help_text="The recommendation as the organisation would like a State to make it.")
    themes = models.ManyToManyField("Theme", related_name="proposals", blank=True)
    lobbied_states = models.ManyToManyField(
        State,
        related_name="lobbied_for",
        blank=True,
        verbose_name="States lobbied",
        help_text="The States the organisation asked to make this recommendation.",
    )
    notes = models.TextField(blank=True, help_text="For the organisation only; never shown publicly.")
    public = models.BooleanField(
        default=False,
        help_text="Shown on public briefings and uptake pages. Until then only the organisation's members see it.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "advocacy ask"
        ordering = ["review", "organisation", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="proposal_text_not_empty"),
        ]
        indexes = [models.Index(fields=["organisation", "review"], name="proposal_org_review_idx")]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.review}: {self.text[:60]}"


class AskMatch(Decision):
    """A real recommendation that may be the ask taken up."""

    proposal = models.ForeignKey(ProposedRecommendation, on_delete=models.CASCADE, related_name="matches")
    recommendation = models.ForeignKey("Recommendation", on_delete=models.CASCADE, related_name="ask_matches")
    rank = models.PositiveSmallIntegerField(default=1, help_text="1 for the best suggestion for this ask.")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ask match"
        verbose_name_plural = "ask matches"
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
        return f"Ask {self.proposal_id} ↔ recommendation {self.recommendation_id} ({self.get_status_display()})"
