"""Comparing States side by side: /compare/?state=KAZ&state=UZB."""

import pytest
from django.urls import reverse

from tests.site_data import recommendation, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_states():
    kaz, uzb, fra = review("KAZ", 7), review("UZB", 16), review("FRA", 2)
    hrd, press = ("Human rights defenders",), ("Freedom of the press",)
    recommendation(kaz, "Protect defenders", themes=hrd, response="supported")
    recommendation(kaz, "Decriminalise libel", themes=hrd + press, response="supported")
    recommendation(kaz, "Amend the networks law", themes=press, response="noted")
    recommendation(uzb, "Release defenders", themes=hrd, response="noted")
    # Decoy: a third State nobody asked for.
    recommendation(fra, "Protect defenders in France", themes=hrd, response="supported")


def compare(client, *codes):
    return client.get(reverse("states:compare"), {"state": list(codes)})


def test_compares_responses_side_by_side(client, two_states):
    context = compare(client, "KAZ", "uzb").context
    assert [state.iso3 for state in context["chosen"]] == ["KAZ", "UZB"]
    assert [column["total"] for column in context["columns"]] == [3, 1]
    rows = {row["key"]: [(cell["count"], cell["share"]) for cell in row["cells"]] for row in context["response_rows"]}
    assert rows["supported"] == [(2, 67), (0, 0)]
    assert rows["noted"] == [(1, 33), (1, 100)]
    assert "" not in rows  # nobody lacks a response: the row is left out


def test_compares_themes_side_by_side(client, two_states):
    rows = compare(client, "KAZ", "UZB").context["theme_rows"]
    counts = {row["theme"]["themes__name"]: [cell["count"] for cell in row["cells"]] for row in rows}
    assert counts == {"Human rights defenders": [2, 1], "Freedom of the press": [2, 0]}
    html = compare(client, "KAZ", "UZB").content.decode()
    assert 'href="/recommendations/?state_under_review=UZB&amp;theme=upr-info%3Ahuman-rights-defenders">1</a>' in html


def test_query_count_is_constant(client, two_states, django_assert_num_queries):
    for n in range(3):
        recommendation(review("DEU", 30 + n), f"More {n}", themes=("Death penalty",), response="noted")
    # 1 every State (for the menus); 2 totals by response and status per State; 3 theme counts per State.
    with django_assert_num_queries(3):
        assert compare(client, "KAZ", "UZB", "DEU").status_code == 200


def test_without_two_states_it_asks_for_them(client, two_states):
    response = compare(client, "KAZ")
    assert response.status_code == 200
    assert "Choose at least two States." in response.content.decode()
    assert "response_rows" not in response.context


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (("KAZ", "XYZ"), "“XYZ” is not a State code we know."),
        (("KAZ", "<script>"), "“&lt;SCRIPT&gt;” is not a State code we know."),
        (("KAZ", "UZB", "FRA", "DEU", "NOR", "SWE", "CAN"), "Compare at most 6 States."),
    ],
)
def test_bad_codes_are_a_400_with_the_reason(client, two_states, codes, message):
    response = compare(client, *codes)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "<script>" not in html


def test_repeated_codes_count_once(client, two_states):
    context = compare(client, "KAZ", "kaz", "UZB").context
    assert [state.iso3 for state in context["chosen"]] == ["KAZ", "UZB"]
