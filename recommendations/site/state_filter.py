"""The States index's filter: a name or code typed in any of the site's languages, and whether States with no
recommendations are listed.

Every row is rendered and the ones that do not match carry `hidden`, so the page reads the same without
JavaScript (a GET form) and static/js/site.js can filter the rows in place as the visitor types, with no
request per key press: the index's one query counts recommendations for every State, which is the page's cost.
"""

import itertools
import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.localized import sort_key
from states.models import State

QUERY_MAX_LENGTH = 100
_NOT_A_LETTER = re.compile(r"[\W_]+")


class StateFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Filter by name or code"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        help_text=_("In English, French or Spanish, e.g. “Côte d’Ivoire”, “Espagne” or “KAZ”."),
    )
    # Off by default: a first-time visitor comes for the States that have something to read; the count of
    # the others and this box keep them one click away.
    all = forms.BooleanField(label=_("Also list States with no recommendations recorded"), required=False)


def search_key(text: str) -> str:
    """Accents, case and punctuation folded, so "cote d'ivoire" finds "Côte d’Ivoire" (site.js does the same)."""
    return _NOT_A_LETTER.sub(" ", sort_key(text)).strip()


def names_key(state: State) -> str:
    """The State's code and its names in every language of the site, as one folded string to match against."""
    names = {state.iso3, *(state.name_in(code) for code, _name in settings.LANGUAGES)}
    return " ".join(search_key(name) for name in sorted(names))


def matches(names: str, query: str) -> bool:
    """Whether every word of the (folded) query occurs in the folded names."""
    return all(word in names for word in query.split())


@dataclass
class Listing:
    """The States to render, each marked `shown` or not, and what the status line says."""

    states: list[State]
    shown: int
    empty: int  # States with no recommendations received or made
    include_empty: bool

    @property
    def groups(self) -> list[dict]:
        """The States by regional group, as sorted, each group with whether any of its States is shown."""
        groups = []
        for group, states in itertools.groupby(self.states, key=lambda state: state.regional_group):
            states = list(states)
            groups.append({"group": group, "states": states, "shown": any(state.shown for state in states)})
        return groups


def apply(states: list[State], *, query: str, include_empty: bool) -> Listing:
    folded = search_key(query)
    for state in states:
        state.names_key = names_key(state)
        state.has_data = bool(state.received or state.made)
        state.shown = matches(state.names_key, folded) and (include_empty or state.has_data)
    shown = sum(state.shown for state in states)
    empty = sum(not state.has_data for state in states)
    return Listing(states, shown, empty, include_empty)
