"""Comparing States side by side: /compare/?state=KAZ&state=UZB."""

import re

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
    link = "/recommendations/?state_under_review=UZB&amp;session=16&amp;theme=upr-info%3Ahuman-rights-defenders"
    assert f'href="{link}">1</a>' in html  # the search finds what the cell counts: Uzbekistan's latest review


def test_query_count_is_constant(client, two_states, django_assert_num_queries):
    for n in range(3):
        recommendation(review("DEU", 30 + n), f"More {n}", themes=("Death penalty",), response="noted")
    # 1 every State (for the menus); 2 the cycles (for the cycle menu); 3 the States' reviews (which are
    # compared, named under each State); 4 totals by response and status per State; 5 theme counts per State.
    with django_assert_num_queries(5):
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


# Which reviews are compared: /compare/?cycle=latest (the default), a cycle's number, or all ----------------


@pytest.fixture
def kazakhstan_twice():
    """Kazakhstan reviewed in cycle 1 (3 recommendations) and cycle 2 (2), then scheduled for cycle 3 with none
    recorded yet; Uzbekistan reviewed once, in cycle 2."""
    kaz_1, kaz_2, uzb_2 = review("KAZ", 7), review("KAZ", 20), review("UZB", 16)
    review("KAZ", 34)
    for text in ("Protect defenders", "Decriminalise libel", "Amend the networks law"):
        recommendation(kaz_1, text, response="supported")
    recommendation(kaz_2, "Adopt a law on assembly", response="supported")
    recommendation(kaz_2, "Ratify the Optional Protocol", response="noted")
    recommendation(uzb_2, "Release defenders", response="noted")


def compare_in(client, cycle, *codes):
    return client.get(reverse("states:compare"), {"state": list(codes), "cycle": cycle})


def compared(response) -> list[tuple[str, int, list[int]]]:
    """(State, total, sessions of the reviews counted) for each column."""
    return [
        (column["state"].iso3, column["total"], [review.session.number for review in column["reviews"]])
        for column in response.context["columns"]
    ]


def test_each_states_latest_review_with_recommendations_is_compared_by_default(client, kazakhstan_twice):
    assert compared(compare_in(client, "", "KAZ", "UZB")) == [("KAZ", 2, [20]), ("UZB", 1, [16])]
    response = compare(client, "KAZ", "UZB")
    assert compared(response) == [("KAZ", 2, [20]), ("UZB", 1, [16])]
    html = response.content.decode()
    assert '<option value="latest" selected>Each State’s latest review</option>' in html
    assert re.search(r'<span class="column-review">Session 20 \(\d{4}\), cycle 2</span>', html)
    assert 'href="/recommendations/?state_under_review=KAZ&amp;session=20&amp;response=noted">1</a>' in html


def test_one_cycle_compares_that_cycles_reviews_and_says_who_had_none(client, kazakhstan_twice):
    response = compare_in(client, "1", "KAZ", "UZB")
    assert compared(response) == [("KAZ", 3, [7]), ("UZB", 0, [])]
    html = response.content.decode()
    assert '<option value="1" selected>Cycle 1 (2008–2011)</option>' in html
    assert '<span class="column-review">No review in this cycle</span>' in html
    assert 'href="/recommendations/?state_under_review=KAZ&amp;cycle=1&amp;response=supported">3</a>' in html


def test_all_cycles_counts_every_review(client, kazakhstan_twice):
    response = compare_in(client, "all", "KAZ", "UZB")
    assert compared(response) == [("KAZ", 5, [7, 20, 34]), ("UZB", 1, [16])]
    assert 'href="/recommendations/?state_under_review=KAZ">5</a>' in response.content.decode()


@pytest.mark.parametrize("cycle", ["99", "0", "abc", "<script>", "1 OR 1=1", "x" * 500])
def test_an_unknown_cycle_is_a_400_with_the_choices(client, kazakhstan_twice, cycle):
    response = compare_in(client, cycle, "KAZ", "UZB")
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not a cycle. Choose a cycle from 1 to 4, or each State’s latest review." in html
    assert "<script>" not in html
    assert "columns" not in response.context


def test_the_form_offers_as_many_slots_as_states_may_be_compared(client, kazakhstan_twice):
    for codes in ((), ("KAZ", "UZB"), ("KAZ", "UZB", "FRA", "DEU", "NOR", "SWE")):
        html = compare(client, *codes).content.decode()
        assert len(re.findall(r'<select id="compare-state-\d" name="state">', html)) == 6
        for number in range(1, 7):
            assert f'<label for="compare-state-{number}">State {number}</label>' in html
