from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.localized import TranslatedName


class ThemeScheme(TranslatedName):
    """A versioned classification of recommendations (UPR Info issues, OHCHR themes of a cycle)."""

    slug = models.SlugField(
        _("slug"), max_length=50, unique=True, help_text=_("Stable identifier, e.g. upr-info or ohchr.")
    )
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(
        _("version"), max_length=50, blank=True, help_text=_("Which edition, e.g. 'cycle 3 labels'.")
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("theme scheme")
        verbose_name_plural = _("theme schemes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})" if self.version else self.name


class Theme(TranslatedName):
    scheme = models.ForeignKey(ThemeScheme, on_delete=models.PROTECT, related_name="themes", verbose_name=_("scheme"))
    code = models.CharField(
        _("code"), max_length=20, blank=True, help_text=_("Code in the scheme when it has one, e.g. A12.")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, help_text=_("Used in URLs and API filters (theme=…)."))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["scheme__name", "code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="theme_unique_name_in_scheme"),
            models.UniqueConstraint(fields=["scheme", "slug"], name="theme_unique_slug_in_scheme"),
            models.UniqueConstraint(
                fields=["scheme", "code"], condition=~models.Q(code=""), name="theme_unique_code_in_scheme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name

    @property
    def localized_label(self) -> str:
        """__str__ in the reader's language: the code, if any, and the localized name."""
        return f"{self.code} {self.localized_name}" if self.code else self.localized_name


class AffectedGroup(TranslatedName):
    """Affected persons / groups of persons (women, children, human rights defenders …)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("affected group")
        verbose_name_plural = _("affected groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SDG(TranslatedName):
    """A Sustainable Development Goal, 1 to 17."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("SDG")
        verbose_name_plural = _("SDGs")
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1, number__lte=17), name="sdg_number_range"),
        ]

    def __str__(self) -> str:
        return sdg_label(self.number, self.name)

    @property
    def localized_label(self) -> str:
        return sdg_label(self.number, self.localized_name)


def sdg_label(number: int, name: str) -> str:
    """ "SDG 16: Peace, Justice and Strong Institutions", in the reader's language ("ODD 16 : …")."""
    return gettext("SDG %(number)s: %(name)s") % {"number": number, "name": name}
