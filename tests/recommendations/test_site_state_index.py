"""The States index's filter: /states/?q=<name or code>&all=on."""

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from tests.site_data import recommendation, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_with_data():
    """Kazakhstan and Côte d'Ivoire received recommendations, from Norway; the 192 other States have none."""
    recommendation(review("KAZ", 7), "Protect defenders", by=("NOR",))
    recommendation(review("CIV", 6), "Abolish the death penalty", by=("NOR",))


def index(client, **params):
    return client.get(reverse("states:index"), params)


def listed(response) -> list[str]:
    """The codes of the rows a visitor sees (the others carry `hidden`)."""
    tree = lxml_html.fromstring(response.content.decode())
    return sorted(tree.xpath("//tr[@data-names][not(@hidden)]/td[@class='code']/text()"))


def visible_groups(response) -> list[str]:
    tree = lxml_html.fromstring(response.content.decode())
    return [" ".join(h2.text_content().split()) for h2 in tree.xpath("//section[not(@hidden)]/h2")]


def test_only_states_with_recommendations_are_listed_at_first(client, three_with_data):
    response = index(client)
    assert listed(response) == ["CIV", "KAZ", "NOR"]
    html = response.content.decode()
    assert "Showing <span data-state-shown>3</span> of 195 States." in html
    assert "192 States have no recommendations recorded yet." in html
    assert visible_groups(response) == ["African States", "Asia-Pacific States", "Western European and other States"]


def test_the_box_lists_the_states_without_recommendations_too(client, three_with_data):
    response = index(client, all="on")
    assert len(listed(response)) == 195
    assert 'name="all" value="on" checked' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kaz", ["KAZ"]),  # the code, or the start of the name
        ("KAZAJISTÁN", ["KAZ"]),  # Spanish, whatever the case
        ("Noruega", ["NOR"]),  # Spanish
        ("Norvège", ["NOR"]),  # French
        ("cote d'ivoire", ["CIV"]),  # accents and the typographic apostrophe folded
        ("  ivoire   côte ", ["CIV"]),  # every word, in any order
        ("ivoire kaz", []),
    ],
)
def test_the_filter_finds_a_state_by_code_or_by_its_name_in_any_language(client, three_with_data, query, expected):
    response = index(client, q=query)
    assert response.status_code == 200
    assert listed(response) == expected


def test_a_filter_matching_only_states_without_data_says_how_to_see_them(client, three_with_data):
    response = index(client, q="Uzbekistan")
    assert listed(response) == []
    tree = lxml_html.fromstring(response.content.decode())
    none = tree.xpath("//p[@data-state-none]")[0]
    assert none.get("hidden") is None
    assert " ".join(none.text_content().split()) == (
        "No State matches this filter. States with no recommendations recorded are not listed: tick the box above "
        "to include them."
    )
    assert visible_groups(response) == []
    assert listed(index(client, q="Uzbekistan", all="on")) == ["UZB"]


def test_hostile_text_is_shown_escaped_and_matches_nothing(client, three_with_data):
    response = index(client, q="<script>alert(1)</script>")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert listed(response) == []


def test_an_oversized_filter_is_a_400_saying_so(client, three_with_data):
    response = index(client, q="x" * 101)
    assert response.status_code == 400
    assert "Ensure this value has at most 100 characters (it has 101)." in response.content.decode()
    assert listed(response) == ["CIV", "KAZ", "NOR"]  # the page still lists the States


@pytest.mark.parametrize("params", [{}, {"q": "kaz"}, {"all": "on"}, {"q": "côte", "all": "on"}])
def test_filtering_adds_no_query(client, three_with_data, params, django_assert_num_queries):
    # One query whatever the filter: the States with their regional group and two correlated counts.
    with django_assert_num_queries(1):
        assert index(client, **params).status_code == 200
