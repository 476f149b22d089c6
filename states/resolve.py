"""Resolve the State names that sources use to State rows, in memory.

Importers resolve thousands of names per file; loading every State and alias
once (two queries) keeps lookups free of per-row SQL.
"""

import difflib
import math
import re
from collections import Counter

from core.localized import translation_languages
from states.models import State, StateAlias, normalise_name

# Below this similarity a known name is not offered as a suggestion.
SUGGEST_CUTOFF = 0.65
_WORD = re.compile(r"[^\W_]+")


class StateResolver:
    def __init__(self) -> None:
        self._by_key: dict[str, State] = {}
        states = list(State.objects.select_related("regional_group"))
        by_pk = {state.pk: state for state in states}
        for state in states:
            self._by_key[normalise_name(state.name)] = state
            self._by_key[state.iso3.casefold()] = state
        for alias in StateAlias.objects.values_list("normalised", "state_id"):
            self._by_key.setdefault(alias[0], by_pk[alias[1]])
        # A source in French or Spanish (an OHCHR list in French) names States in its language: the names the
        # site shows in each of its languages resolve too, after the English names and aliases.
        for language, _name in translation_languages():
            for state in states:
                self._by_key.setdefault(normalise_name(state.name_in(language)), state)
        self._names = sorted({state.name for state in states})
        self._keys = list(self._by_key)
        # How rare each word of the names and aliases is: "czech" tells more than "republic".
        words = Counter(word for key in self._keys for word in set(_WORD.findall(key)))
        self._word_weight = {word: math.log(1 + len(self._keys) / count) for word, count in words.items()}

    def resolve(self, name: str) -> State | None:
        """The State a name, alias or ISO3 code denotes, or None."""
        return self._by_key.get(normalise_name(name))

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Closest known State names, best first, for an error message about an unknown one.

        Every name and alias is scored (score()); a State is offered once, under
        its name, at the score of its best-matching name or alias.
        """
        query = normalise_name(name)
        weights = [(word, self._weight(word)) for word in _WORD.findall(query)]
        best: dict[str, float] = {}
        for key, state in self._by_key.items():
            score = _score(query, weights, key)
            if score >= SUGGEST_CUTOFF and score > best.get(state.name, 0):
                best[state.name] = score
        return sorted(best, key=lambda state_name: (-best[state_name], state_name))[:limit]

    def _weight(self, word: str) -> float:
        """How much a word of a misspelt name tells: the rarity of the known word it most likely stands for."""
        closest = difflib.get_close_matches(word, self._word_weight, n=1, cutoff=0.5)
        return self._word_weight[closest[0]] if closest else max(self._word_weight.values())


def _score(query: str, weights: list[tuple[str, float]], key: str) -> float:
    """How alike a misspelt name and a known one are, from 0 to 1.

    The whole strings' similarity (weighing 0.4) and their words' (0.6): each word
    of the query with its closest word of the known name, weighted by rarity,
    so that "Czech Repblic" is nearer "Czechia" than "French Republic", whose
    shared word is a common one.
    """
    whole = _similarity(query, key)
    key_words = _WORD.findall(key)
    if not weights or not key_words:
        return whole
    matched = sum(weight * max(_word_similarity(word, other) for other in key_words) for word, weight in weights)
    return 0.4 * whole + 0.6 * matched / sum(weight for _, weight in weights)


def _similarity(a: str, b: str) -> float:
    # difflib's ratio depends on the order of its arguments ("moldavia"/"moldova"): the better of both.
    return max(difflib.SequenceMatcher(None, a, b).ratio(), difflib.SequenceMatcher(None, b, a).ratio())


def _word_similarity(word: str, other: str) -> float:
    """Two words' similarity; a word that starts the other ("czech", "czechia") counts as nearly the same."""
    if len(word) >= 4 and len(other) >= 4 and (word.startswith(other) or other.startswith(word)):
        return 0.95
    return _similarity(word, other)
