"""The cold column of `make bench` (bench/cold.py) draws its filter combinations from the data, with a seed.

A benchmark that asked for values absent from the data would measure empty answers (or 400s); one whose
draw changed between runs could not be compared with the last.
"""

import sys
import urllib.parse

import pytest
from django.conf import settings
from django.db import connection

sys.path.insert(0, str(settings.BASE_DIR / "bench"))

import cold  # noqa: E402

# The draw reads the data over its own connection: the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def database_url() -> str:
    s = connection.settings_dict
    host = urllib.parse.quote(s["HOST"] or "127.0.0.1", safe="")
    return f"postgres://{s['USER']}:{urllib.parse.quote(s['PASSWORD'] or '')}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def values(review_kaz_2010, make_recommendation, france, norway):
    make_recommendation(review_kaz_2010, "Ratify the Convention against Torture", states=[france], response="supported")
    make_recommendation(review_kaz_2010, "Protect human rights defenders", states=[norway], action_category=4)
    return cold.facet_values(database_url())


def test_the_values_drawn_from_are_those_in_use(values):
    assert values["state_under_review"] == ["KAZ"]
    assert values["recommending_state"] == ["FRA", "NOR"]
    assert values["response"] == ["supported"]
    assert values["action_category"] == ["4"]
    assert values["status"] == ["none"]
    assert values["theme"] == []


def test_the_same_seed_draws_the_same_combinations_and_another_seed_others(values):
    first = cold.draw(values, 40, seed=18)
    assert first == cold.draw(values, 40, seed=18)
    assert first != cold.draw(values, 40, seed=19)


def test_every_combination_is_distinct_one_to_three_filters_of_real_values(values):
    combinations = cold.draw(values, 40, seed=18)
    assert len(combinations) == 40
    assert len({tuple(sorted(combination.items())) for combination in combinations}) == 40
    for combination in combinations:
        filters = {name: value for name, value in combination.items() if name != "q"}
        assert 1 <= len(filters) <= 3
        assert all(value in values[name] for name, value in combination.items())


def test_a_combination_with_an_affected_group_is_left_out_of_datasettes_side():
    assert cold.datasette_url("http://ds", "upr", {"affected_group": "women", "response": "noted"}, {}) is None
    url = cold.datasette_url("http://ds", "upr", {"regional_group": "WEOG", "response": "noted"}, {"WEOG": ["FRA"]})
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["response"] == ["noted"] and query["_where"] == ["state IN ('FRA')"]
    assert "status" in query["_facet"]
