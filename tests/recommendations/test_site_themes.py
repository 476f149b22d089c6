"""The themes index (/themes/) and a theme across States and cycles (/themes/<scheme>/<slug>/)."""

import pytest
from django.urls import reverse

from recommendations.models import Theme
from tests.site_data import recommendation, review

pytestmark = pytest.mark.django_db

HRD_URL = "/themes/upr-info/human-rights-defenders/"


@pytest.fixture
def defenders_everywhere():
    kaz_2010, kaz_2014, uzb = review("KAZ", 7), review("KAZ", 20), review("UZB", 16)
    hrd = ("Human rights defenders",)
    recommendation(kaz_2010, "Protect defenders", themes=hrd, response="supported")
    recommendation(kaz_2010, "Investigate attacks on defenders", themes=hrd, response="noted")
    recommendation(kaz_2014, "End reprisals against defenders", themes=hrd, response="supported")
    recommendation(uzb, "Release defenders", themes=hrd)
    # Decoys: another theme, and the same name in another scheme.
    recommendation(uzb, "Abolish the death penalty", themes=("Death penalty",))
    ohchr = recommendation(kaz_2014, "Cooperate with special procedures")
    ohchr.themes.set([Theme.objects.get(scheme__slug="ohchr", code="A24")])


def test_index_groups_themes_by_scheme_with_counts(client, defenders_everywhere, django_assert_num_queries):
    # 1 the data version (the page is cached until it moves, response_cache.py); 2 every theme with its
    # scheme and its number of recommendations.
    with django_assert_num_queries(2):
        response = client.get(reverse("recommendations:themes"))
    html = response.content.decode()
    assert "UPR Info issues" in html and "OHCHR themes" in html
    assert f'<a href="{HRD_URL}">Human rights defenders</a> <span class="count">4 recommendations</span>' in html
    assert (
        '<a href="/themes/upr-info/death-penalty/">Death penalty</a> <span class="count">1 recommendation</span>'
        in html
    )


def test_theme_page_counts_by_state_and_cycle(client, defenders_everywhere):
    response = client.get(HRD_URL)
    rows = [(row.iso3, row.cells, row.total) for row in response.context["rows"]]
    assert rows == [("KAZ", [2, 1, 0, 0], 3), ("UZB", [0, 1, 0, 0], 1)]
    counts = response.context["counts"]
    assert counts["total"] == 4
    assert counts["responses"] == {"supported": 2, "noted": 1, "partially_supported": 0, "pending": 0, "": 1}
    html = response.content.decode()
    assert 'href="/recommendations/?theme=upr-info%3Ahuman-rights-defenders"' in html
    assert 'href="/recommendations/?theme=upr-info%3Ahuman-rights-defenders&amp;state_under_review=KAZ">3</a>' in html


def test_theme_page_query_count_is_constant(client, defenders_everywhere, django_assert_num_queries):
    for n in range(4):
        recommendation(review("FRA", 30 + n), f"Defenders {n}", themes=("Human rights defenders",))
    # 1 the data version (response_cache.py); 2 the theme with scheme and parent; 3 cycles; 4 counts by
    # response and status; 5 narrower themes; 6 counts per State and cycle.
    with django_assert_num_queries(6):
        assert client.get(HRD_URL).status_code == 200


def test_theme_page_lists_narrower_ohchr_themes(client):
    response = client.get("/themes/ohchr/a-general-framework-of-implementation/")
    assert response.status_code == 200
    assert "A12 Acceptance of international norms" in response.content.decode()


@pytest.mark.parametrize("path", ["/themes/upr-info/no-such-theme/", "/themes/nope/human-rights-defenders/"])
def test_unknown_theme_or_scheme_is_a_404(client, path):
    assert client.get(path).status_code == 404
