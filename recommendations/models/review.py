from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from states.models import State


def ordinal(number: int) -> str:
    """A session's rank in the active language, as in "27th session": English 1st, 22nd, 27th; French 1re, 27e.

    Each English ending is its own message, and the first rank has one of its own: French says "1re" but "21e".
    """
    values = {"number": number}
    if number == 1:
        # Translators: the rank of a UPR Working Group session, before the word "session": "1st session (2008)".
        # In French "session" is feminine (1re session); the other ranks are the messages in context "ordinal …".
        return pgettext("ordinal 1", "%(number)dst") % values
    if number % 100 in (11, 12, 13) or number % 10 not in (1, 2, 3):
        # Translators: a session's rank ending in "th" in English: 4th … 20th, 111th (French 4e, Spanish 4.º).
        return pgettext("ordinal", "%(number)dth") % values
    if number % 10 == 1:
        # Translators: a session's rank ending in 1 except 11: 21st, 31st (French 21e).
        return pgettext("ordinal ending in 1", "%(number)dst") % values
    if number % 10 == 2:
        # Translators: a session's rank ending in 2 except 12: 2nd, 22nd (French 2e).
        return pgettext("ordinal ending in 2", "%(number)dnd") % values
    # Translators: a session's rank ending in 3 except 13: 3rd, 23rd (French 3e).
    return pgettext("ordinal ending in 3", "%(number)drd") % values


def session_label(number: int, year: int) -> str:
    """ "7th session (2010)", in the active language."""
    return gettext("%(session)s session (%(year)s)") % {"session": ordinal(number), "year": year}


class Cycle(models.Model):
    """A UPR cycle: 14 sessions in which every State is reviewed once (cycle 1 had 12)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1), name="cycle_number_positive"),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="cycle_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        years = {"number": self.number, "start": self.start_year, "end": self.end_year}
        return gettext("Cycle %(number)s (%(start)s–%(end)s)") % years


class Session(models.Model):
    """A numbered session of the UPR Working Group."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("cycle"))
    start_date = models.DateField(_("start date"), help_text=_("First day of the Working Group session."))
    end_date = models.DateField(_("end date"), help_text=_("Last day of the Working Group session."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1), name="session_number_positive"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="session_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return session_label(self.number, self.year)

    @property
    def year(self) -> int:
        return self.start_date.year


class ReviewQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("state", "session__cycle")


class Review(models.Model):
    """One State's review in one session of the Working Group."""

    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("State under review")
    )
    session = models.ForeignKey("Session", on_delete=models.PROTECT, related_name="reviews", verbose_name=_("session"))
    review_date = models.DateField(
        _("review date"), null=True, blank=True, help_text=_("Day of the interactive dialogue in the Working Group.")
    )
    adoption_date = models.DateField(
        _("adoption date"),
        null=True,
        blank=True,
        help_text=_("Day the Human Rights Council adopted the outcome (often months later, sometimes the next year)."),
    )
    report_symbol = models.CharField(
        _("Working Group report symbol"),
        max_length=40,
        blank=True,
        help_text=_("E.g. A/HRC/14/10 — numbered by the adopting Council session, not the UPR session."),
    )
    addendum_symbol = models.CharField(
        _("responses addendum symbol"), max_length=40, blank=True, help_text=_("E.g. A/HRC/14/10/Add.1.")
    )
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Editors' notes, e.g. civil society's proposals for the next review.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReviewQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
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
