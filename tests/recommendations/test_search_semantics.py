"""Search semantics on both surfaces (API `q=` and the search page): operators, prefixes, diacritics,
irregular plurals, labels, and queries that cannot be read."""

import pytest

from recommendations.models import AffectedGroup, Theme

pytestmark = pytest.mark.django_db

URL = "/api/v1/recommendations/"
PAGE = "/recommendations/"


@pytest.fixture
def texts(review_kaz_2010, make_recommendation):
    def make(text, **fields):
        return make_recommendation(review_kaz_2010, text, **fields).pk

    return {
        "women": make("Combat violence against women and girls"),
        "woman": make("Ensure that every woman can own land"),
        "girls": make("Keep girls in school"),
        "democracy": make("Strengthen democracy and the rule of law"),
        "democratic": make("Hold democratic elections"),
        "turkiye": make("Cooperate with Türkiye on refugees"),
        "refugies": make("Protéger les réfugiés et les demandeurs d'asile", language="fr"),
        "press": make("Guarantee freedom of the press"),
        "torture": make("Ratify the Optional Protocol to the Convention against Torture"),
    }


def found(client, query: str) -> set[int]:
    response = client.get(URL, {"q": query})
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def ids(texts, *names) -> set[int]:
    return {texts[name] for name in names}


def test_upper_case_operators_and_parentheses(api_client, texts):
    assert found(api_client, "(women OR girls) AND NOT violence") == ids(texts, "woman", "girls")
    assert found(api_client, "torture OR press") == ids(texts, "torture", "press")
    assert found(api_client, "freedom AND press") == ids(texts, "press")


def test_what_worked_before_still_works(api_client, texts):
    assert found(api_client, "ratifying") == ids(texts, "torture")
    assert found(api_client, '"rule of law"') == ids(texts, "democracy")
    assert found(api_client, "torture or press") == ids(texts, "torture", "press")
    assert found(api_client, "girls -violence") == ids(texts, "girls")


def test_prefix_finds_every_word_it_starts(api_client, texts):
    assert found(api_client, "democra*") == ids(texts, "democracy", "democratic")


def test_prefix_longer_than_the_stem_of_its_words_finds_them(api_client, review_kaz_2010, make_recommendation):
    # "discrimination" is stored as its stem "discrimin", which the prefix "discriminat" does not start.
    made = {make_recommendation(review_kaz_2010, text).pk for text in ("End discrimination", "Discriminatory laws")}
    make_recommendation(review_kaz_2010, "Discern the facts")
    assert found(api_client, "discriminat*") == made


def test_diacritics_are_ignored_both_ways(api_client, texts):
    assert found(api_client, "Turkiye") == ids(texts, "turkiye")
    assert found(api_client, "türkiye") == ids(texts, "turkiye")
    assert found(api_client, "refugies") == ids(texts, "refugies")


def test_irregular_plural_finds_the_other_form_unless_quoted(api_client, texts):
    assert found(api_client, "women") == ids(texts, "women", "woman")
    assert found(api_client, "woman") == ids(texts, "women", "woman")
    assert found(api_client, '"women"') == ids(texts, "women")


def test_word_naming_a_theme_matches_what_is_classified_under_it_after_text_matches(
    api_client, texts, review_kaz_2010, make_recommendation
):
    classified = make_recommendation(review_kaz_2010, "Adopt a law on domestic violence")
    classified.themes.add(Theme.objects.get(scheme__slug="upr-info", slug="womens-rights"))
    response = api_client.get(URL, {"q": "women"})
    order = [row["id"] for row in response.json()["results"]]
    assert set(order) == {texts["women"], texts["woman"], classified.pk}
    assert order[-1] == classified.pk
    # Beside a word that names nothing, the label still counts (tested row by row on that word's matches).
    assert found(api_client, "violence women") == {texts["women"], classified.pk}


def test_word_naming_an_affected_group_matches_its_recommendations(
    api_client, texts, review_kaz_2010, make_recommendation
):
    group = AffectedGroup.objects.get(name="Migrants")
    classified = make_recommendation(review_kaz_2010, "Adopt a law on labour")
    classified.affected_groups.add(group)
    assert found(api_client, "migrants") == {classified.pk}
    # Excluded terms exclude the classified rows too.
    assert found(api_client, "law -migrants") == ids(texts, "democracy")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("(women", "A parenthesis is not closed: add a ) to match each (."),
        ("women AND", "AND needs a word or phrase on each side."),
        ("NOT women", "Add a word to look for: a search cannot consist only of excluded words (NOT, -)."),
        ('"women', 'A quotation mark is not closed: put a second " after the phrase.'),
        ("torture:* | !x", "Put * at the end of a word of at least 3 letters (democra*) to find the words it starts."),
    ],
)
def test_unreadable_query_is_a_400_in_the_error_shape(api_client, texts, query, message):
    response = api_client.get(URL, {"q": query})
    assert response.status_code == 400
    assert response.json() == {"errors": {"q": [message]}}


def test_nul_byte_is_a_400(api_client, texts):
    response = api_client.get(URL, {"q": "women\x00"})
    assert response.json() == {"errors": {"q": ["Null characters are not allowed."]}}


@pytest.mark.parametrize("path", ["export.csv", "facets/"])
def test_unreadable_query_is_a_400_on_exports_and_facets(api_client, texts, path):
    response = api_client.get(URL + path, {"q": "women AND"})
    assert response.status_code == 400


@pytest.mark.parametrize("query", ["a & | b", "torture:A | !x", "'; DROP TABLE x; --", "100% \\ {x} %(ids)s"])
def test_hostile_text_is_searched_as_words(api_client, texts, query):
    response = api_client.get(URL, {"q": query})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_snippets_mark_prefix_and_unaccented_matches(api_client, texts):
    [row] = api_client.get(URL, {"q": "turkiye refug*"}).json()["results"]
    assert row["snippet"] == "Cooperate with <mark>Türkiye</mark> on <mark>refugees</mark>"


def test_page_shows_other_forms_and_labels_searched(client, texts):
    response = client.get(PAGE, {"q": "women"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Also searched: woman." in body
    assert "Also matched the theme Women&#x27;s rights." in body
    assert "Search tips" in body


def test_page_searches_no_other_form_of_quoted_words(client, texts):
    body = client.get(PAGE, {"q": '"women"'}).content.decode()
    assert "Also searched" not in body
    assert "Also matched the theme Women&#x27;s rights." in body  # a quoted label name still names it


def test_page_shows_an_unreadable_query_as_an_error(client, texts):
    response = client.get(PAGE, {"q": "(women"})
    assert response.status_code == 400
    assert "A parenthesis is not closed: add a ) to match each (." in response.content.decode()


def test_a_word_naming_labels_costs_no_extra_query(api_client, client, texts):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(c, url, q):
        c.get(url, {"q": "warm up"})  # reference tables and the data version read once
        with CaptureQueriesContext(connection) as captured:
            assert c.get(url, {"q": q}).status_code == 200
        return len(captured)

    # "women" names a theme and affected groups, "press" nothing: the labels come from memory, their
    # recommendations from a subquery of the same statement.
    assert queries(api_client, URL, "women") == queries(api_client, URL, "press")
    assert queries(client, PAGE, "women") == queries(client, PAGE, "press")
