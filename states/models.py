import unicodedata

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.localized import TranslatedName, is_default, pick
from states.names import cldr_name

# Apostrophes and quotes that sources use interchangeably ("Côte d’Ivoire").
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})


def normalise_name(name: str) -> str:
    """The form under which State names and aliases are compared.

    NFKC, typographic apostrophes folded, "&" read as "and", whitespace
    collapsed, case folded. Accents are kept: "Türkiye" and "Turkiye" are
    separate aliases.
    """
    text = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES)
    text = text.replace("&", " and ")
    return " ".join(text.split()).casefold()


class RegionalGroup(TranslatedName):
    """One of the five UN regional groups."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(
        _("short name"),
        max_length=20,
        blank=True,
        help_text=_("Abbreviation used by UPR Info exports, e.g. WEOG or GRULAC."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regional group")
        verbose_name_plural = _("regional groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Bloc(TranslatedName):
    """An intergovernmental organisation or political bloc (EU, OIC, AU, …)."""

    code = models.CharField(
        _("code"), max_length=20, unique=True, help_text=_("Short code as UPR Info spells it, e.g. OIC.")
    )
    name = models.CharField(_("name"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bloc")
        verbose_name_plural = _("blocs")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class StateStatus(models.TextChoices):
    MEMBER = "member", _("UN member State")
    OBSERVER = "observer", _("UN observer State")


class StateQuerySet(models.QuerySet):
    def members(self):
        return self.filter(status=State.Status.MEMBER)

    def observers(self):
        return self.filter(status=State.Status.OBSERVER)


class State(TranslatedName):
    """A UN member State or observer State.

    Its name in another language: `name_translations` (the UN's names where CLDR's differ,
    states/data/state_names.csv, or an editor's), else CLDR's (states/names.py), else the English name.
    """

    Status = StateStatus  # defined before the model, where Meta's constraint can name its values

    iso3 = models.CharField(_("ISO 3166 alpha-3"), max_length=3, unique=True)
    iso2 = models.CharField(_("ISO 3166 alpha-2"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("Short name as the UN writes it."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.MEMBER)
    regional_group = models.ForeignKey(
        RegionalGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="states",
        verbose_name=_("regional group"),
    )
    blocs = models.ManyToManyField(
        Bloc, through="BlocMembership", related_name="states", blank=True, verbose_name=_("blocs")
    )

    objects = StateQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        # Translators: a country (a UN member or observer State), never a state of a workflow.
        verbose_name = pgettext_lazy("country", "state")
        verbose_name_plural = pgettext_lazy("country", "states")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(iso3__regex=r"^[A-Z]{3}$"), name="state_iso3_format"),
            models.CheckConstraint(condition=models.Q(iso2__regex=r"^[A-Z]{2}$"), name="state_iso2_format"),
            models.CheckConstraint(condition=models.Q(status__in=StateStatus.values), name="state_status_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:states_state_change", args=[self.pk])

    def name_in(self, language: str | None) -> str:
        return state_name(self.name, self.iso2, self.name_translations, language)

    def has_name_in(self, language: str) -> bool:
        return pick(self.name_translations, language) is not None or cldr_name(self.iso2, language) is not None


def state_name(name: str, iso2: str, translations: dict | None, language: str | None) -> str:
    """A State's name in `language` from its stored parts (for rows read without a model instance)."""
    if is_default(language):
        return name
    return pick(translations, language) or cldr_name(iso2, language) or name


class BlocMembership(models.Model):
    bloc = models.ForeignKey(Bloc, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("bloc"))
    state = models.ForeignKey(
        State, on_delete=models.CASCADE, related_name="bloc_memberships", verbose_name=pgettext_lazy("country", "state")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bloc membership")
        verbose_name_plural = _("bloc memberships")
        constraints = [models.UniqueConstraint(fields=["bloc", "state"], name="bloc_membership_unique")]

    def __str__(self) -> str:
        return gettext("%(state)s in %(bloc)s") % {"state": self.state, "bloc": self.bloc.code}


class StateAlias(models.Model):
    """Another name a source uses for a State: historical, short, or spelled differently."""

    state = models.ForeignKey(
        State, on_delete=models.CASCADE, related_name="aliases", verbose_name=pgettext_lazy("country", "state")
    )
    alias = models.CharField(_("alias"), max_length=200)
    normalised = models.CharField(_("normalised"), max_length=200, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["alias"]
        verbose_name = _("state alias")
        verbose_name_plural = _("State aliases")
        constraints = [
            # One spelling may name only one State, however it is capitalised.
            models.UniqueConstraint(fields=["normalised"], name="state_alias_normalised_unique"),
            models.CheckConstraint(condition=~models.Q(alias=""), name="state_alias_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.alias} → {self.state.name}"

    def save(self, *args, **kwargs):
        self.normalised = normalise_name(self.alias)
        super().save(*args, **kwargs)
