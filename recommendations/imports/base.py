"""What every importer produces: normalised rows, the problems found in them, and file-level errors.

Parsers are pure: they read a file and yield ParsedRow objects without touching
the database. Names (States, themes, groups) stay as written; the import
service resolves them against the reference data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _

from recommendations.models import AffectedGroup, Recommendation, Theme
from recommendations.models.recommendation import DEFAULT_LANGUAGE, TEXT_MAX_LENGTH, is_language_code

ERROR = "error"
WARNING = "warning"

# Field names shared by parsers, the import service and the change report.
TEXT = "text"
KIND = "kind"
ACTION_CATEGORY = "action_category"
RECOMMENDING_STATES = "recommending_states"
RESPONSE = "response"
THEMES = "themes"
AFFECTED_GROUPS = "affected_groups"
SDGS = "sdgs"
PARAGRAPH = "paragraph"
STATE_UNDER_REVIEW = "state_under_review"
SESSION = "session"
RESPONSE_SOURCE = "response_source"
LANGUAGE = "language"
# The language of a text when its source does not say (Recommendation.language).

# Responses as the sources spell them, folded to the model's values.
RESPONSE_SYNONYMS = {
    "supported": "supported",
    "accepted": "supported",
    "noted": "noted",
    # "Noted" replaced "rejected" in UN terminology; older exports still say it.
    "rejected": "noted",
    "not accepted": "noted",
    "not supported": "noted",
    "partially supported": "partially_supported",
    "partially accepted": "partially_supported",
    "pending": "pending",
    "deferred": "pending",
    # French and Spanish lists (OHCHR publishes them in the UN languages), in the feminine of "la
    # recommandation" / "la recomendación", and the older wordings.
    "acceptée": "supported",
    "appuyée": "supported",
    "soutenue": "supported",
    "notée": "noted",
    "prise en note": "noted",
    "il en est pris note": "noted",
    "rejetée": "noted",
    "partiellement acceptée": "partially_supported",
    "partiellement appuyée": "partially_supported",
    "en attente": "pending",
    "différée": "pending",
    "aceptada": "supported",
    "apoyada": "supported",
    "anotada": "noted",
    "tomada nota": "noted",
    "se toma nota": "noted",
    "rechazada": "noted",
    "parcialmente aceptada": "partially_supported",
    "parcialmente apoyada": "partially_supported",
    "pendiente": "pending",
    "aplazada": "pending",
}


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# The models' limits, checked before writing so an over-long value is a row error, not a crash.
MAX_PARAGRAPH = _max_length(Recommendation, "paragraph")
MAX_RESPONSE_SOURCE = _max_length(Recommendation, "response_source")
MAX_THEME_NAME = _max_length(Theme, "name")
MAX_THEME_CODE = _max_length(Theme, "code")
MAX_GROUP_NAME = _max_length(AffectedGroup, "name")
MAX_TEXT = TEXT_MAX_LENGTH


class ImportFileError(Exception):
    """The file cannot be imported at all: unknown format, wrong headers, damaged archive."""


class StateLookup(Protocol):
    """What the parsers need from states.resolve.StateResolver."""

    def resolve(self, name: str) -> object | None: ...

    def suggest(self, name: str, limit: int = 3) -> list[str]: ...


@dataclass(frozen=True)
class Problem:
    row: str  # row number in the file (header = 1), or the paragraph number of a DOCX list
    column: str
    message: str
    level: str = ERROR


@dataclass(frozen=True)
class ThemeRef:
    """A theme as a file names it. An empty scheme means "look in every scheme"."""

    name: str
    scheme: str = ""
    code: str = ""

    def __str__(self) -> str:
        label = f"{self.code} {self.name}".strip()
        return f"{self.scheme}:{label}" if self.scheme else label


@dataclass
class ParsedRow:
    row: str
    text: str
    state_under_review: str = ""
    session: str = ""
    paragraph: str = ""
    recommending_states: list[str] = field(default_factory=list)
    response: str = ""  # a Response value, or "" when the file gives none
    response_source: str = ""
    kind: str = "recommendation"
    language: str = DEFAULT_LANGUAGE  # of the text: ISO 639-1
    action_category: int | None = None
    themes: list[ThemeRef] = field(default_factory=list)
    affected_groups: list[str] = field(default_factory=list)
    sdgs: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.row, column, message))

    def warn(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.row, column, message, WARNING))

    @property
    def has_errors(self) -> bool:
        return any(problem.level == ERROR for problem in self.problems)


@dataclass
class ParsedFile:
    format: str
    rows: Iterator[ParsedRow]
    # Source column label of each row field, so problems name the column the editor sees.
    columns: Mapping[str, str]
    # Fields the source sets; the others are left alone when an existing recommendation is updated.
    provides: frozenset[str]
    # Theme schemes whose themes the source replaces on update (a UPR Info file keeps OHCHR themes);
    # None for every scheme.
    theme_schemes: frozenset[str] | None
    # OHCHR relabels its themes and groups between cycles: its lists may add new ones.
    creates_taxonomy: bool = False


def clean(value: str) -> str:
    """Whitespace collapsed (line breaks and non-breaking spaces included) and trimmed."""
    return " ".join(value.split())


def fold(value: str) -> str:
    """The form under which taxonomy names are compared: NFKC, case folded, "&" spaced, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", value).replace("&", " & ")
    return " ".join(text.split()).casefold()


def bad_action_category(value: str) -> str:
    return _("Action category must be 1 to 5, not %(value)s.") % {"value": repr(value)}


def parse_response(value: str) -> str | None:
    """The Response value a source's wording means, "" for blank, None when not understood."""
    folded = clean(value).casefold()
    if not folded:
        return ""
    return RESPONSE_SYNONYMS.get(folded)


def read_language(parsed: ParsedRow, wording: str, column: str) -> None:
    """The text's language from an ISO 639-1 code in `column`, any case; English when blank."""
    code = wording.strip().lower() or DEFAULT_LANGUAGE
    if is_language_code(code):
        parsed.language = code
    else:
        message = _("Not an ISO 639-1 language code (two letters, such as en, fr or es): %(value)s.")
        parsed.error(column, message % {"value": repr(wording)})


def parse_int(value: object) -> int | None:
    """An integer from "5", "5.0" or 5.0 (spreadsheets store numbers as floats); None if not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    match = re.fullmatch(r"\s*(\d+)(?:\.0+)?\s*", str(value or ""))
    return int(match.group(1)) if match else None
