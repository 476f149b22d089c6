"""Full-text search: websearch syntax, ranking with exact phrases first, highlighted snippets for the page only."""

import re

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/recommendations/"


@pytest.fixture
def texts(review_kaz_2010, make_recommendation):
    def make(text):
        return make_recommendation(review_kaz_2010, text).pk

    return {
        # The words many times, far apart: plain ts_rank puts this first.
        "scattered": make(
            "Guarantee freedom of expression, freedom of religion and freedom of the press, and the right of "
            "peaceful assembly, assembly being a right of all"
        ),
        "phrase": make("Lift the restrictions on freedom of assembly"),
        "one_word": make("Guarantee freedom of expression for journalists"),
        "decoy": make("Ratify the Optional Protocol to the Convention against Torture"),
    }


def search(client, query: str) -> list[dict]:
    response = client.get(URL, {"q": query})
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_exact_phrase_ranks_first(api_client, texts):
    results = search(api_client, "freedom of assembly")
    assert [row["id"] for row in results] == [texts["phrase"], texts["scattered"]]


def test_quoted_phrase_matches_only_the_phrase(api_client, texts):
    assert [row["id"] for row in search(api_client, '"freedom of assembly"')] == [texts["phrase"]]


def test_websearch_or_and_exclusion(api_client, texts):
    found = {row["id"] for row in search(api_client, "torture or journalists")}
    assert found == {texts["decoy"], texts["one_word"]}
    found = {row["id"] for row in search(api_client, "freedom -assembly")}
    assert found == {texts["one_word"]}


def test_stemming_matches_other_word_forms(api_client, texts):
    assert [row["id"] for row in search(api_client, "ratifying")] == [texts["decoy"]]


def test_snippet_highlights_matches_and_escapes_the_text(api_client, review_kaz_2010, make_recommendation):
    pk = make_recommendation(review_kaz_2010, 'Repeal article 10 & stop <b>reprisals</b> against "defenders"').pk
    [row] = search(api_client, "reprisals")
    assert row["id"] == pk
    # Markup in the stored text is dropped by ts_headline; what remains is escaped.
    assert row["snippet"] == "Repeal article 10 &amp; stop  <mark>reprisals</mark>  against &quot;defenders"


def test_no_snippet_without_q(api_client, texts):
    rows = api_client.get(URL).json()["results"]
    assert {row["snippet"] for row in rows} == {None}


def test_explicit_ordering_overrides_rank(api_client, texts):
    rows = api_client.get(URL, {"q": "freedom", "ordering": "-id"}).json()["results"]
    assert [row["id"] for row in rows] == sorted([texts["phrase"], texts["scattered"], texts["one_word"]], reverse=True)


def test_only_stop_words_find_nothing(api_client, texts):
    assert search(api_client, "of the") == []


def test_headline_is_computed_for_the_page_only(api_client, texts, django_assert_num_queries):
    # 1 data version (response cache), 1 reference tables (this test's transaction has written), 6 the
    # count index with this transaction's changes (test_api_query_counts.py), 1 the words' matches, 1 page
    # of ids ranked, 1 representation of the page's ids with their ts_headline: 11, whatever the number
    # of matches.
    with django_assert_num_queries(11) as captured:
        api_client.get(URL, {"q": "freedom", "page_size": 1})
    headline_sql = next(q["sql"] for q in captured.captured_queries if "ts_headline" in q["sql"])
    # The snippet is computed for the one row on the page (the best ranked), not for every match.
    assert re.findall(r"ANY\('\{([0-9,]*)\}'", headline_sql) in ([str(texts["phrase"])], [str(texts["scattered"])])
