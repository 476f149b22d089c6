"""An organisation's own words around a generated briefing."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations.models.implementation import VERSION_HELP
from states.models import State

TEXT_MAX_LENGTH = 20_000  # characters of an introduction or a conclusion: a few pages, never a whole book


class Briefing(models.Model):
    """Introduction and conclusion an organisation writes for one briefing.

    A briefing is the generated document for a State and a choice of filters
    (theme, affected group, cycle; each optional); the data parts are computed
    on every request, only these texts are stored.
    """

    organisation = models.ForeignKey(
        "Organisation", on_delete=models.PROTECT, related_name="briefings", verbose_name=_("organisation")
    )
    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="briefings", verbose_name=pgettext_lazy("country", "state")
    )
    theme = models.ForeignKey(
        "Theme", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("theme")
    )
    affected_group = models.ForeignKey(
        "AffectedGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("affected group"),
    )
    cycle = models.ForeignKey(
        "Cycle", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("cycle")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Published texts appear on the public briefing; drafts only to the organisation."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False, help_text=VERSION_HELP)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        ordering = ["state", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "state", "theme", "affected_group", "cycle"],
                nulls_distinct=False,
                name="briefing_unique_filters",
            ),
        ]

    def __str__(self) -> str:
        return self.title or gettext("%(state)s briefing (%(organisation)s)") % {
            "state": self.state,
            "organisation": self.organisation,
        }
