from django.db import models
from django.utils.translation import gettext
from simple_history.models import HistoricalRecords

from core.localized import TranslatedName


class ThemeScheme(TranslatedName):
    """A versioned classification of recommendations (UPR Info issues, OHCHR themes of a cycle)."""

    slug = models.SlugField(max_length=50, unique=True, help_text="Stable identifier, e.g. upr-info or ohchr.")
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=50, blank=True, help_text="Which edition, e.g. 'cycle 3 labels'.")
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})" if self.version else self.name


class Theme(TranslatedName):
    scheme = models.ForeignKey(ThemeScheme, on_delete=models.PROTECT, related_name="themes")
    code = models.CharField(max_length=20, blank=True, help_text="Code in the scheme when it has one, e.g. A12.")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, help_text="Used in URLs and API filters (theme=…).")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")

    history = HistoricalRecords()

    class Meta:
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

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=220, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SDG(TranslatedName):
    """A Sustainable Development Goal, 1 to 17."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = "SDG"
        verbose_name_plural = "SDGs"
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1, number__lte=17), name="sdg_number_range"),
        ]

    def __str__(self) -> str:
        return f"SDG {self.number}: {self.name}"

    @property
    def localized_label(self) -> str:
        return sdg_label(self.number, self.localized_name)


def sdg_label(number: int, name: str) -> str:
    """ "SDG 16: Peace, Justice and Strong Institutions", in the reader's language ("ODD 16 : …")."""
    return gettext("SDG %(number)s: %(name)s") % {"number": number, "name": name}
