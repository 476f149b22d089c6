"""A file's rows prepared for writing: their identity (import_key), what they set, how two rows differ."""

from __future__ import annotations

import datetime
import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from recommendations.imports.base import (
    ACTION_CATEGORY,
    AFFECTED_GROUPS,
    KIND,
    LANGUAGE,
    PARAGRAPH,
    RECOMMENDING_STATES,
    RESPONSE,
    SDGS,
    TEXT,
    THEMES,
    ParsedRow,
)
from recommendations.models import Recommendation

# The fields in which two rows of one file for the same recommendation may differ: the recommendation is
# imported once with the union of both rows' values (a UPR Info export may list it twice with other issues).
MERGEABLE = frozenset({THEMES, AFFECTED_GROUPS, SDGS})
# The order in which changed fields are reported.
FIELD_ORDER = (
    PARAGRAPH,
    TEXT,
    LANGUAGE,
    KIND,
    ACTION_CATEGORY,
    RECOMMENDING_STATES,
    RESPONSE,
    THEMES,
    AFFECTED_GROUPS,
    SDGS,
)
QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})

# (field, through model, related column, Prepared / Existing attribute)
RELATIONS = (
    (RECOMMENDING_STATES, Recommendation.recommending_states.through, "state_id", "states"),
    (THEMES, Recommendation.themes.through, "theme_id", "themes"),
    (AFFECTED_GROUPS, Recommendation.affected_groups.through, "affectedgroup_id", "groups"),
    (SDGS, Recommendation.sdgs.through, "sdg_id", "sdgs"),
)


def import_key(text: str, iso3_codes: Iterable[str]) -> str:
    """Identity of a recommendation without a paragraph number within its review (64 hex characters)."""
    normalised = " ".join(unicodedata.normalize("NFKC", text).translate(QUOTES).split()).casefold()
    normalised = normalised.rstrip(" .;,")
    return hashlib.sha256(f"{normalised}|{','.join(sorted(iso3_codes))}".encode()).hexdigest()


@dataclass
class Prepared:
    """A valid row with every name resolved to a primary key."""

    row: ParsedRow
    review_key: tuple[int, int]  # (State id, Session id)
    paragraph: str
    import_key: str
    text: str
    language: str
    kind: str
    action_category: int | None
    states: frozenset[int]
    themes: frozenset[int]
    groups: frozenset[int]
    sdgs: frozenset[int]
    response: tuple[str, str] | None  # (response, source), None when the row gives no position
    review_id: int = 0


@dataclass
class Existing:
    """A recommendation already in the database, as far as the comparison needs it."""

    id: int
    review_id: int
    paragraph: str
    text: str
    language: str
    kind: str
    action_category: int | None
    states: set[int] = field(default_factory=set)
    themes: set[int] = field(default_factory=set)
    groups: set[int] = field(default_factory=set)
    sdgs: set[int] = field(default_factory=set)
    # The current position (latest of its history), as the database keeps it (migration 0021).
    response: tuple[str, str] = ("", "")
    response_date: datetime.date | None = None


HISTORY_REASON = "import"

# The columns an import sets on a new recommendation (the others take the database's defaults; triggers
# copy the State under review and the session number from the review: migration 0020).
RECOMMENDATION_COLUMNS = (
    "id",
    "review_id",
    "paragraph",
    "import_key",
    "text",
    "language",
    "kind",
    "action_category",
    "response",
    "response_source",
)


def recommendation_values(item: Prepared) -> tuple:
    return (
        item.review_id,
        item.paragraph,
        # A paragraph is the identity when there is one; a key as well would only risk a clash.
        "" if item.paragraph else item.import_key,
        item.text,
        item.language,
        item.kind,
        item.action_category,
        # The row's position is the new recommendation's only one, so it is its current response:
        # what the trigger would write, so it finds nothing to change instead of updating every new row.
        *(item.response or ("", "")),
    )


def diff_rows(first: Prepared, other: Prepared, provides: frozenset[str]) -> list[str]:
    """The fields in which two rows of one file for the same recommendation disagree."""
    pairs = {
        TEXT: (first.text, other.text),
        LANGUAGE: (first.language, other.language),
        KIND: (first.kind, other.kind),
        ACTION_CATEGORY: (first.action_category, other.action_category),
        RECOMMENDING_STATES: (first.states, other.states),
        RESPONSE: (first.response, other.response),
        THEMES: (first.themes, other.themes),
        AFFECTED_GROUPS: (first.groups, other.groups),
        SDGS: (first.sdgs, other.sdgs),
    }
    return [name for name, (a, b) in pairs.items() if name in provides and a != b]


def merge_rows(first: Prepared, other: Prepared) -> None:
    """Give the first row of a recommendation the themes, groups and SDGs of a later row as well."""
    first.themes |= other.themes
    first.groups |= other.groups
    first.sdgs |= other.sdgs
