"""Whether the database holds the demo (recommendations/demo/), and what it created that has no mark of its own."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Demo recommendations are marked by their identity: an import key no importer writes (importers write 64 hex
# digits, recommendations/imports/prepared.py), so "is it demo data?" needs no other column on the big table.
DEMO_KEY_PREFIX = "demo-"


class DemoData(models.Model):
    """At most one row (id 1): when the demo was loaded and removed, and the organisation and login it created.

    `remove_demo` removes what is recorded here with the demo's recommendations; once `removed_at` is set,
    `load_demo` (which `make run` calls every time) loads nothing again.
    """

    id = models.PositiveSmallIntegerField(_("ID"), primary_key=True, default=1, editable=False)
    loaded_at = models.DateTimeField(_("loaded at"), null=True, blank=True)
    removed_at = models.DateTimeField(
        _("removed at"),
        null=True,
        blank=True,
        help_text=_("Set by remove_demo; load_demo then never loads the demo again."),
    )
    organisation = models.ForeignKey(
        "Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("The organisation the demo created (none when one of that name existed already)."),
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("editor"),
        help_text=_("The demo editor's login, whose password is published in the source code."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("demo data")
        verbose_name_plural = _("demo data")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="demodata_single_row")]

    def __str__(self) -> str:
        if self.removed_at:
            return gettext("Demo data, removed %(when)s") % {"when": f"{self.removed_at:%Y-%m-%d %H:%M}"}
        return gettext("Demo data, loaded") if self.loaded_at else gettext("Demo data, never loaded")

    @classmethod
    def is_loaded(cls) -> bool:
        """Whether the demo was loaded and not removed (one row read, whatever the size of the database)."""
        return cls.objects.filter(loaded_at__isnull=False, removed_at=None).exists()
