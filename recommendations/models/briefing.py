"""An organisation's own words around a generated briefing."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from states.models import State

TEXT_MAX_LENGTH = 20_000  # characters of an introduction or a conclusion: a few pages, never a whole book


class Briefing(models.Model):
    """Introduction and conclusion an organisation writes for one briefing.

    A briefing is the generated document for a State and a choice of filters
    (theme, affected group, cycle; each optional); the data parts are computed
    on every request, only these texts are stored.
    """

    organisation = models.ForeignKey("Organisation", on_delete=models.PROTECT, related_name="briefings")
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="briefings")
    theme = models.ForeignKey("Theme", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    affected_group = models.ForeignKey(
        "AffectedGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cycle = models.ForeignKey("Cycle", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    introduction = models.TextField(blank=True)
    conclusion = models.TextField(blank=True)
    published = models.BooleanField(
        default=False, help_text="Published texts appear on the public briefing; drafts only to the organisation."
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Raised on every save; a save based on an older version is refused."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["state", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "state", "theme", "affected_group", "cycle"],
                nulls_distinct=False,
                name="briefing_unique_filters",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.state} briefing ({self.organisation})"
