from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from states.models import State


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class Cycle(models.Model):
    """A UPR cycle: 14 sessions in which every State is reviewed once (cycle 1 had 12)."""

    number = models.PositiveSmallIntegerField(unique=True)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1), name="cycle_number_positive"),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="cycle_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Cycle {self.number} ({self.start_year}–{self.end_year})"


class Session(models.Model):
    """A numbered session of the UPR Working Group."""

    number = models.PositiveSmallIntegerField(unique=True)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="sessions")
    start_date = models.DateField(help_text="First day of the Working Group session.")
    end_date = models.DateField(help_text="Last day of the Working Group session.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1), name="session_number_positive"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="session_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{ordinal(self.number)} session ({self.year})"

    @property
    def year(self) -> int:
        return self.start_date.year


class ReviewQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("state", "session__cycle")


class Review(models.Model):
    """One State's review in one session of the Working Group."""

    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="reviews", verbose_name="State under review"
    )
    session = models.ForeignKey("Session", on_delete=models.PROTECT, related_name="reviews")
    review_date = models.DateField(
        null=True, blank=True, help_text="Day of the interactive dialogue in the Working Group."
    )
    adoption_date = models.DateField(
        null=True,
        blank=True,
        help_text="Day the Human Rights Council adopted the outcome (often months later, sometimes the next year).",
    )
    report_symbol = models.CharField(
        "Working Group report symbol",
        max_length=40,
        blank=True,
        help_text="E.g. A/HRC/14/10 — numbered by the adopting Council session, not the UPR session.",
    )
    addendum_symbol = models.CharField(
        "responses addendum symbol", max_length=40, blank=True, help_text="E.g. A/HRC/14/10/Add.1."
    )
    notes = models.TextField(
        blank=True, help_text="Editors' notes, e.g. civil society's proposals for the next review."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["session__number", "state__name"]
        constraints = [
            models.UniqueConstraint(fields=["state", "session"], name="review_unique_state_session"),
        ]

    def __str__(self) -> str:
        return f"{self.state.name} — {self.session}"

    def get_absolute_url(self) -> str:
        return reverse("admin:recommendations_review_change", args=[self.pk])

    @property
    def localized_label(self) -> str:
        """__str__ for readers: the State named in their language."""
        return f"{self.state.localized_name} — {self.session}"
