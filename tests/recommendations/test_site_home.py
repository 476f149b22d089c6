"""The home page: a search box, headline figures, recent assessments and recent reviews."""

import pytest
from django.urls import reverse

from tests.site_data import D, assess, evidence, recommendation, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    kaz, fra = review("KAZ", 7), review("FRA", 2)
    protect = recommendation(kaz, "Protect human rights defenders", response="supported")
    recommendation(kaz, "Decriminalise defamation", response="noted")
    recommendation(fra, "Ratify the Optional Protocol", response="supported")
    source = evidence("World Report 2014")
    assess(protect, "not_implemented", D(2014, 1, 31), cites=[(source, "Still harassed.", "")])
    return protect


def home(client):
    return client.get(reverse("recommendations:home"))


def test_headline_figures(client, world):
    figures = home(client).context["figures"]
    assert figures == {
        "recommendations": 3,
        "states": 2,
        "reviews": 2,
        "supported": 2,
        "assessed": 1,
        "supported_share": 67,
        "assessed_share": 33,
    }


def test_search_box_sends_q_to_the_search_page(client, world):
    html = home(client).content.decode()
    assert '<form class="search-box" role="search" action="/recommendations/" method="get">' in html
    assert 'name="q"' in html and '<label for="home-q">' in html


def test_recent_reviews_newest_session_first_with_counts_and_links(client, world):
    response = home(client)
    reviews = list(response.context["reviews"])
    assert [(r.state.iso3, r.session.number, r.recommendation_count) for r in reviews] == [("KAZ", 7, 2), ("FRA", 2, 1)]
    html = response.content.decode()
    assert 'href="/recommendations/?state_under_review=KAZ&amp;session=7">2</a>' in html
    assert 'href="/states/KAZ/">Kazakhstan</a>' in html


def test_recent_assessments_link_to_the_recommendation(client, world):
    html = home(client).content.decode()
    assert f'href="/recommendations/{world.pk}/">Protect human rights defenders</a>' in html
    assert "1 source cited" in html
    assert '<span class="badge status-not_implemented">Not implemented</span>' in html


def test_empty_database_still_renders(client):
    response = home(client)
    assert response.status_code == 200
    assert response.context["figures"]["supported_share"] == 0


def test_query_count_does_not_grow_with_data(client, world, django_assert_num_queries):
    for session in range(30, 40):
        made = recommendation(review("NOR", session), f"More {session}", response="supported")
        assess(made, "fully_implemented", D(2020, 1, 1))
    # The data version (response cache miss); headline figures in one aggregate; recent assessments with
    # recommendation, State, session, organisation and evidence count; recent reviews with their counts.
    with django_assert_num_queries(4):
        assert home(client).status_code == 200
    # (Stored and served again per data version: tests/recommendations/test_response_cache.py.)


def test_escapes_hostile_text(client, world):
    made = recommendation(review("UZB", 16), "<script>alert(1)</script>")
    assess(made, "not_implemented", D(2024, 1, 1))
    html = home(client).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
