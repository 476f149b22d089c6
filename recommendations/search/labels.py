"""Search words that name a theme, an affected group or an SDG: they also find what is classified under it.

"LGBTI" is rare in the texts and common in the classification; "women" finds the recommendations classified
under "Women's rights" that say "gender equality". A term names a label when its significant words are the
label's, or those of one part of it (_parts: "Torture and other CID treatment" has the part "Torture").
Compared in lower case, without diacritics or a plural's "s", and without the words every label uses
("rights", "of the" …). Names in English, French and Spanish count.

The index is built from the reference tables held in memory (lookups.current()), kept under the same data
version, so finding the labels of a search costs no query; matching them costs one indexed subquery per
label kind in the search (search/text.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core import counts
from recommendations.search import lookups
from recommendations.search.query import IRREGULAR_PLURALS

# Words that name no subject by themselves: left out of both sides of the comparison.
_GENERIC = frozenset(
    "a an and of the to for on in with other general right rights de des du la le les et y el los las del "
    "droit droits derecho derechos persons personnes personas".split()
)
_PARTS = re.compile(r"\s+(?:and|et|y|&)\s+|\s+-\s+|/")
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_SINGULAR = {plural: singular for singular, plural in IRREGULAR_PLURALS.items()}


@dataclass(frozen=True)
class Label:
    kind: str  # "theme", "affected_group" or "sdg"
    id: int
    name: str  # in English, as stored


def labels_named(text: str) -> tuple[Label, ...]:
    """The labels `text` (a word or a phrase) names, in the reference tables' order."""
    key = _key(text)
    if not key:
        return ()
    return _index().get(key, ())


def _index() -> dict[frozenset[str], tuple[Label, ...]]:
    return counts.kept("search-labels", _build)


def _build() -> dict[frozenset[str], tuple[Label, ...]]:
    reference = lookups.current()
    names = reference.translations
    rows = [
        *(("theme", pk, theme["name"], names["themes"][pk]) for pk, (_p, theme) in reference.themes.items()),
        *(
            ("affected_group", pk, name, names["affected_groups"][pk])
            for pk, (_p, _s, name) in reference.affected_groups.items()
        ),
        *(("sdg", pk, name, names["sdgs"][pk]) for pk, (_p, _n, name) in reference.sdgs.items()),
    ]
    index: dict[frozenset[str], list[Label]] = {}
    for kind, pk, name, translations in rows:
        label = Label(kind, pk, name)
        for spelling in {name, *(translations or {}).values()}:
            for key in {_key(spelling), *(_part_key(part) for part in _parts(spelling))}:
                if key and label not in index.setdefault(key, []):
                    index[key].append(label)
    return {key: tuple(found) for key, found in index.items()}


def _parts(name: str) -> list[str]:
    """The parts of a name: its heading before a colon ("Children: protection against exploitation"), and the
    pieces of that heading between "and", "&", " - " or "/", outside parentheses; a one-word parenthesis is an
    acronym and a part ("… intersex persons (LGBTI)"), a longer one a list of examples and no part."""
    heading = name.split(":", 1)[0]
    acronyms = [text for text in _PARENTHESES.findall(heading) if len(text.split()) == 1]
    return [heading, *_PARTS.split(_PARENTHESES.sub(" ", heading)), *acronyms]


def _part_key(part: str) -> frozenset[str]:
    """A part names the label only if every word of it counts: "Torture" in "Torture and other CID treatment"
    does, "Human rights" in "Human rights & poverty" (which would be "human") and "other CID treatment" do not,
    nor do parts of a list ("Economic, social") or a sentence ("to just")."""
    key = _key(part)
    return key if len(key) == len(_words(part)) and "," not in part else frozenset()


def _key(text: str) -> frozenset[str]:
    """The significant words of `text`, lower case, without diacritics, apostrophes or plural endings."""
    return frozenset(_singular(word) for word in _words(text) if word not in _GENERIC)


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return re.findall(r"[^\W_]+", re.sub(r"['’]s\b", "", plain))


def _singular(word: str) -> str:
    if word in _SINGULAR:
        return _SINGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
