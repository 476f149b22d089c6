"""Suggestions for a misspelt State name: the closest names and aliases, best first."""

import pytest

from states.models import StateAlias
from states.resolve import StateResolver

pytestmark = pytest.mark.django_db


def test_czech_repblic_suggests_czechia_first():
    assert StateResolver().suggest("Czech Repblic")[0] == "Czechia"


def test_a_shared_common_word_does_not_outrank_a_rare_one():
    # Without its alias "Czech Republic", "French Republic" is the closer whole string; "czech" decides.
    StateAlias.objects.filter(alias="Czech Republic").delete()
    assert StateResolver().suggest("Czech Repblic")[0] == "Czechia"


@pytest.mark.parametrize(
    ("misspelt", "state"),
    [
        ("Kazakstan", "Kazakhstan"),
        ("Moldavia", "Republic of Moldova"),
        ("Untied Kingdom", "United Kingdom of Great Britain and Northern Ireland"),
        ("Russian Federaton", "Russian Federation"),
        ("Saudia Arabia", "Saudi Arabia"),
        ("Nethrlands", "Netherlands (Kingdom of the)"),
        ("Guinea Bisau", "Guinea-Bissau"),
        ("Venezuala", "Venezuela (Bolivarian Republic of)"),
        ("Tanzanai", "United Republic of Tanzania"),
        ("Slovenija", "Slovenia"),
    ],
)
def test_realistic_misspellings_suggest_the_state_first(misspelt, state):
    assert StateResolver().suggest(misspelt)[0] == state


def test_a_state_is_suggested_once_whatever_the_number_of_its_aliases_that_match():
    suggestions = StateResolver().suggest("Democratic Republic of Congo")
    assert suggestions[0] == "Democratic Republic of the Congo"
    assert len(suggestions) == len(set(suggestions))


def test_nothing_alike_suggests_nothing():
    assert StateResolver().suggest("Xyzzy") == []
