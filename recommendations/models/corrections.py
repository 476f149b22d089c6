"""Corrections of official data: an editor proposes, a staff administrator decides.

A recommendation's official data (its text, paragraph, kind, recommending States and the State's response) is
the UN's, changed by staff administrators only (permissions.py). An editor who finds a mistake proposes a
correction with its source; accepting it applies the value through services.corrections, recorded in the
recommendation's history with the proposal named.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class CorrectionField(models.TextChoices):
    """The official fields a correction may name, as the recommendation (or its latest position) holds them."""

    TEXT = "text", _("Text")
    PARAGRAPH = "paragraph", _("Paragraph number")
    KIND = "kind", _("Kind (recommendation or voluntary pledge)")
    RECOMMENDING_STATES = "recommending_states", _("Recommending States (ISO3 codes, comma-separated)")
    RESPONSE = "response", _("Response of the State under review")
    RESPONSE_SOURCE = "response_source", _("Source of the response")


class CorrectionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class CorrectionProposal(models.Model):
    Field = CorrectionField
    State = CorrectionState

    recommendation = models.ForeignKey(
        "Recommendation",
        on_delete=models.CASCADE,
        related_name="correction_proposals",
        verbose_name=_("recommendation"),
    )
    field = models.CharField(_("field"), max_length=30, choices=CorrectionField.choices)
    current_value = models.TextField(
        _("value when proposed"), blank=True, help_text=_("The field's value when the correction was proposed.")
    )
    proposed_value = models.TextField(_("proposed value"), help_text=_("The value the field should have."))
    source = models.CharField(
        _("source"),
        max_length=500,
        help_text=_("Where the correct value is published: a URL or a UN document symbol and paragraph."),
    )
    comment = models.TextField(_("comment"), blank=True, help_text=_("Anything the administrator should know."))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("proposed by")
    )
    organisation = models.ForeignKey(
        "Organisation",
        on_delete=models.PROTECT,
        related_name="correction_proposals",
        verbose_name=_("organisation"),
        help_text=_("The organisation proposing it: its members and staff administrators see the proposal."),
    )
    state = models.CharField(
        pgettext_lazy("workflow", "state"),
        max_length=10,
        choices=CorrectionState.choices,
        default=CorrectionState.PENDING,
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
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("correction proposal")
        verbose_name_plural = _("correction proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(field__in=CorrectionField.values),
                name="correction_field_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=CorrectionState.values),
                name="correction_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state="pending") | models.Q(decided_at__isnull=False),
                name="correction_decided_when_decided",
            ),
        ]
        indexes = [
            # The staff administrators' queue (pending first) and an organisation's own list.
            models.Index(fields=["state", "created_at"], name="correction_state_idx"),
            models.Index(fields=["organisation", "created_at"], name="correction_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} — {self.get_field_display()} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("admin:recommendations_correctionproposal_change", args=[self.pk])
