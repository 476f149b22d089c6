"""With the demo data loaded, the public pages tell the seed's story.

ISHR's 2014 briefing: in its February 2010 review Kazakhstan supported seven
recommendations on human rights defenders, and the evidence (Human Rights
Watch, Front Line Defenders, the UN High Commissioner …) says they were not
implemented.
"""

import re

import pytest

from recommendations import demo

pytestmark = pytest.mark.django_db

DEFENDERS_2010 = "/recommendations/?state_under_review=KAZ&session=7&affected_group=human-rights-defenders"


@pytest.fixture
def demo_data():
    demo.load_demo()


def test_profile_shows_the_2010_review_the_answers_and_the_evidence(client, demo_data):
    response = client.get("/states/kaz/")
    reviews = {review.session.number: review for review in response.context["reviews"]}
    assert (reviews[7].total, reviews[7].n_supported, reviews[7].n_noted) == (13, 12, 1)
    html = response.content.decode()
    assert "Session 7 (2010), cycle 1" in html
    assert "World Report 2014: Kazakhstan" in html
    assert '<span class="badge status-not_implemented">Not implemented</span>' in html
    assert 'href="/recommendations/?state_under_review=KAZ&amp;affected_group=human-rights-defenders">8</a>' in html


def test_defenders_search_finds_the_seven_supported_and_unimplemented(client, demo_data):
    page = client.get(DEFENDERS_2010).context["search"]
    assert page.total == 7
    assert {row.response for row in page.results} == {"supported"}
    assert {row.current_status for row in page.results} == {"not_implemented"}
    recipients = {
        option.label: option.count for option in next(f for f in page.facets if f.name == "recommending_state").options
    }
    assert recipients == {
        "Norway": 3,
        "Republic of Korea": 1,
        "Sweden": 1,
        "Canada": 1,
        "United Kingdom of Great Britain and Northern Ireland": 1,
    }


def test_words_lead_to_the_defenders_filter(client, demo_data):
    html = client.get("/recommendations/?q=human+rights+defenders").content.decode()
    assert re.search(
        r'href="/recommendations/\?affected_group=human-rights-defenders">“Human rights defenders” in '
        r"Affected persons: 8 recommendations</a>",
        html,
    )


def test_recommendation_page_cites_the_evidence(client, demo_data):
    page = client.get(DEFENDERS_2010).context["search"]
    investigate = next(row for row in page.results if row.text.startswith("Make sure abuses suffered"))
    html = client.get(f"/recommendations/{investigate.pk}/").content.decode()
    for source in ("World Report 2014: Kazakhstan", "Front Line Defenders", "Navi Pillay", "Open Dialogue Foundation"):
        assert source in html
    assert "Zhanaozen" in html
