"""An organisation's own words around a generated briefing, in each language it writes them in."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.db.models.lookups import Exact
from django.utils.translation import get_language_info, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations.models.implementation import VERSION_HELP
from states.models import State

TEXT_MAX_LENGTH = 20_000  # characters of an introduction or a conclusion: a few pages, never a whole book
TITLE_MAX_LENGTH = 200
# The parts an organisation writes, each at most this many characters.
PARTS = {"title": TITLE_MAX_LENGTH, "introduction": TEXT_MAX_LENGTH, "conclusion": TEXT_MAX_LENGTH}
PART_LABELS = {"title": _("Title"), "introduction": _("Introduction"), "conclusion": _("Conclusion")}
FALLBACK_LANGUAGE = "en"


def clean_texts(texts: object) -> dict[str, dict[str, str]]:
    """`texts` in its stored form: {language: {part: text}}, without empty parts or languages.

    ValidationError for anything else: a language that is not one of settings.LANGUAGES, an unknown
    part, a value that is not text, a text over its limit.
    """
    if not isinstance(texts, dict):
        raise ValidationError(_("The texts must be given by language."), code="invalid")
    languages = dict(settings.LANGUAGES)
    cleaned, errors = {}, []
    for language, parts in texts.items():
        if language not in languages:
            errors.append(ValidationError(_("Unknown language: %(language)s."), params={"language": language}))
            continue
        if not isinstance(parts, dict) or not set(parts) <= set(PARTS):
            errors.append(ValidationError(_("Unknown part in the %(language)s texts."), params={"language": language}))
            continue
        kept = {}
        for part, text in parts.items():
            if not isinstance(text, str):
                errors.append(ValidationError(_("%(part)s: not a text."), params={"part": PART_LABELS[part]}))
            elif len(text) > PARTS[part]:
                errors.append(_too_long(part, language, text))
            elif text.strip():
                kept[part] = text
        if kept:
            cleaned[language] = kept
    if errors:
        raise ValidationError(errors)
    return cleaned


def _too_long(part: str, language: str, text: str) -> ValidationError:
    return ValidationError(
        _("%(part)s (%(language)s): at most %(limit)d characters (it has %(length)d)."),
        params={
            "part": PART_LABELS[part],
            "language": get_language_info(language)["name_translated"],
            "limit": PARTS[part],
            "length": len(text),
        },
    )


class Briefing(models.Model):
    """Title, introduction and conclusion an organisation writes for one briefing, per language.

    A briefing is the generated document for a State and a choice of filters
    (theme, affected group, cycle; each optional); the data parts are computed
    on every request, only these texts are stored. `texts` holds them by
    language code, `{"en": {"title": …, "introduction": …, "conclusion": …}, "fr": {…}}`,
    each part optional; a page shows those of its language, else English
    (recommendations/briefings/build.py says how).
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
    texts = models.JSONField(
        _("texts"),
        default=dict,
        blank=True,
        help_text=_("Title, introduction and conclusion by language code; each part optional."),
    )
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
            # clean_texts() checks every detail; the database keeps at least the shape, whatever writes the row.
            models.CheckConstraint(
                condition=Exact(
                    models.Func("texts", function="jsonb_typeof", output_field=models.CharField()), Value("object")
                ),
                name="briefing_texts_by_language",
            ),
        ]

    def __str__(self) -> str:
        return self.text("title", FALLBACK_LANGUAGE) or next(
            (parts["title"] for parts in self.texts.values() if parts.get("title")),
            gettext("%(state)s briefing (%(organisation)s)") % {"state": self.state, "organisation": self.organisation},
        )

    def clean(self) -> None:
        try:
            self.texts = clean_texts(self.texts)
        except ValidationError as error:
            raise ValidationError({"texts": error.error_list}) from None

    def text(self, part: str, language: str) -> str:
        """The `part` ("title", "introduction", "conclusion") written in `language`, or ""."""
        return (self.texts.get(language) or {}).get(part, "")

    @property
    def languages(self) -> list[str]:
        """The languages this briefing has texts in, in settings.LANGUAGES order."""
        return [code for code, _name in settings.LANGUAGES if code in self.texts]
