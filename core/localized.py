"""Reference names in the reader's language: States, regional groups, blocs, theme schemes, themes, affected
groups, SDGs.

Each reference model stores its English name in `name` (what imports match, exports write and the admin
lists) and its other names in `name_translations`, a JSON object keyed by language code
({"fr": "Pas de pauvreté", "es": "Fin de la pobreza"}): a language is added by filling the key, without a
migration. Readers get `localized_name`, the name in the active language (django.utils.translation), or the
English name when that language has none, so a label is never empty. States also fall back to CLDR's name
(states/names.py) before English.

Lists sorted by name in the reader's language use `sort_key`: accents and case folded, so "Égypte" sorts
among the E's in French. Not a full collation (no ICU), which State and theme names do not need.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
NAME_MAX_LENGTH = 200


def _base(language: str) -> str:
    return language.lower().split("-")[0]


def is_default(language: str | None) -> bool:
    """Whether `language` reads the stored names (English, or no language: translation.override(None))."""
    return not language or _base(language) == _base(settings.LANGUAGE_CODE)


def language_key(language: str | None = None) -> str | None:
    """The active language (or `language`) as translations are keyed, e.g. "fr"; None when it reads English."""
    language = get_language() if language is None else language
    return None if is_default(language) else language.lower()


def translation_languages() -> list[tuple[str, str]]:
    """(code, name) of the languages other than English that the site offers (settings.LANGUAGES)."""
    return [(code.lower(), str(name)) for code, name in settings.LANGUAGES if not is_default(code)]


def pick(translations: Mapping[str, str] | None, language: str | None) -> str | None:
    """The translation for `language` ("fr-ca" falls back to "fr"), or None."""
    if not translations or is_default(language):
        return None
    language = language.lower()
    return translations.get(language) or translations.get(_base(language)) or None


def translated(name: str, translations: Mapping[str, str] | None, language: str | None) -> str:
    """`name` in `language` (None: English), or `name` itself when there is no translation."""
    return pick(translations, language) or name


def sort_key(text: str) -> str:
    """A sort key that reads accented letters as their base letter and ignores case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def validate_translations(value) -> None:
    """A JSON object of language code -> a non-empty name: an empty label is never stored."""
    if not isinstance(value, dict):
        raise ValidationError(_('Enter an object of language code to name, e.g. {"fr": "…"}.'))
    for code, name in value.items():
        if not LANGUAGE_CODE.match(str(code)) or is_default(str(code)):
            raise ValidationError(
                _("“%(code)s” is not a language code other than the default one (e.g. fr, es).") % {"code": code}
            )
        if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX_LENGTH:
            raise ValidationError(
                _("The %(code)s name must be text of 1 to %(max)d characters.") % {"code": code, "max": NAME_MAX_LENGTH}
            )


class TranslatedName(models.Model):
    """A reference row with a `name` in English and, in `name_translations`, its name in other languages."""

    name_translations = models.JSONField(
        _("name in other languages"),
        default=dict,
        blank=True,
        validators=[validate_translations],
        help_text=_("By language code, e.g. fr and es. A language without one shows the English name."),
    )

    class Meta:
        abstract = True

    @property
    def localized_name(self) -> str:
        """The name in the active language, else in English."""
        return self.name_in(get_language())

    def name_in(self, language: str | None) -> str:
        return translated(self.name, self.name_translations, language)

    def has_name_in(self, language: str) -> bool:
        """Whether the row has its own name in `language`, rather than falling back to English."""
        return pick(self.name_translations, language) is not None


def translations_from(row: Mapping[str, str]) -> dict[str, str]:
    """The name_<language> columns of a reference data file's row, e.g. {"fr": …, "es": …}; blank cells left out."""
    return {
        key.removeprefix("name_").lower(): value.strip()
        for key, value in row.items()
        if key.startswith("name_") and key != "name_translations" and value and value.strip()
    }


def merged(current: Mapping[str, str] | None, loaded: Mapping[str, str]) -> dict[str, str]:
    """A row's translations after loading a data file: the file's languages replace, others are kept."""
    return {**(current or {}), **loaded}


def or_list(items: list[str]) -> str:
    """ "A", "A or B", "A, B or C", in the active language."""
    if len(items) < 2:
        return "".join(items)
    return gettext("%(names)s or %(last)s") % {"names": ", ".join(items[:-1]), "last": items[-1]}


def and_list(items: list[str]) -> str:
    """ "A", "A and B", "A and B and C", in the active language."""
    joined = items[0] if items else ""
    for item in items[1:]:
        joined = gettext("%(names)s and %(last)s") % {"names": joined, "last": item}
    return joined
