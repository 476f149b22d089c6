"""The States index (/states/) and a State's profile (/states/<ISO3>/)."""

import re

import pytest
from django.urls import reverse

from tests.site_data import D, assess, evidence, recommendation, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def kazakhstan_world():
    """Kazakhstan reviewed twice, recommending to Uzbekistan once; decoys about Uzbekistan."""
    kaz_2010, kaz_2014 = review("KAZ", 7, report_symbol="A/HRC/14/10"), review("KAZ", 20)
    uzb = review("UZB", 16)
    made = {
        "hrd": recommendation(
            kaz_2010,
            "Protect human rights defenders",
            by=("NOR",),
            response="supported",
            themes=("Human rights defenders",),
            groups=("Human rights defenders",),
        ),
        "libel": recommendation(
            kaz_2010,
            "Decriminalise libel",
            by=("USA", "GBR"),
            response="supported",
            themes=("Freedom of the press", "Human rights defenders"),
        ),
        "networks": recommendation(
            kaz_2010, "Amend the networks law", by=("ESP",), response="noted", themes=("Freedom of the press",)
        ),
        "assembly": recommendation(
            kaz_2014,
            "Adopt a law on peaceful assembly",
            by=("SWE",),
            response="supported",
            themes=("Freedom of association and peaceful assembly",),
        ),
        "pending": recommendation(kaz_2014, "Ratify the Optional Protocol", by=("FRA",)),
        # Decoys: received by Uzbekistan; one of them made by Kazakhstan.
        "to_uzb": recommendation(
            uzb, "Free political prisoners", by=("KAZ", "NOR"), response="noted", themes=("Detention",)
        ),
        "to_uzb2": recommendation(uzb, "End forced labour", by=("NOR",), response="supported"),
    }
    report = evidence("World Report 2014: Kazakhstan", url="https://www.hrw.org/wr2014")
    assess(
        made["hrd"],
        "not_implemented",
        D(2014, 1, 31),
        narrative="Defenders are still harassed.",
        cites=[(report, "Harassed through the courts.", "p. 3")],
    )
    assess(made["libel"], "partially_implemented", D(2013, 6, 1))
    assess(made["to_uzb"], "fully_implemented", D(2015, 1, 1))
    return made


def profile(client, code="KAZ"):
    return client.get(f"/states/{code}/")


@pytest.mark.parametrize("code", ["KAZ", "kaz", "Kaz"])
def test_profile_is_found_whatever_the_case(client, code):
    response = profile(client, code)
    assert response.status_code == 200
    assert response.context["state"].iso3 == "KAZ"


@pytest.mark.parametrize("path", ["/states/ZZZ/", "/states/K1Z/", "/states/KAZA/", "/states/%00AZ/"])
def test_unknown_or_malformed_code_is_a_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()  # the site's own 404 page, with its navigation


def test_profile_counts_each_review_by_response(client, kazakhstan_world):
    reviews = list(profile(client).context["reviews"])
    assert [(r.session.number, r.total, r.n_supported, r.n_noted, r.n_none) for r in reviews] == [
        (7, 3, 2, 1, 0),
        (20, 2, 1, 0, 1),
    ]


def test_profile_breaks_down_status_themes_and_recommendations_made(client, kazakhstan_world):
    context = profile(client).context
    assert context["received"]["total"] == 5
    assert context["received"]["statuses"] == {
        "not_implemented": 1,
        "partially_implemented": 1,
        "fully_implemented": 0,
        "": 3,
    }
    themes = {row["themes__name"]: row["count"] for row in context["themes"]}
    assert themes == {
        "Human rights defenders": 2,
        "Freedom of the press": 2,
        "Freedom of association and peaceful assembly": 1,
    }
    assert context["made"]["total"] == 1
    assert context["recipients"] == [
        {"review__state__iso3": "UZB", "review__state__name": "Uzbekistan", "count": 1, "supported": 0}
    ]


def test_profile_links_into_the_search_with_api_parameters(client, kazakhstan_world):
    html = profile(client).content.decode()
    assert 'href="/recommendations/?state_under_review=KAZ"' in html
    assert 'href="/recommendations/?recommending_state=KAZ"' in html
    assert 'href="/recommendations/?state_under_review=KAZ&amp;session=7&amp;response=noted"' in html
    assert 'href="/recommendations/?state_under_review=KAZ&amp;theme=upr-info%3Ahuman-rights-defenders"' in html
    assert 'href="/recommendations/?state_under_review=KAZ&amp;affected_group=human-rights-defenders"' in html


def test_profile_tells_what_the_evidence_says(client, kazakhstan_world):
    html = profile(client).content.decode()
    assert "Defenders are still harassed." in html
    assert '<a href="https://www.hrw.org/wr2014" rel="noopener noreferrer">World Report 2014: Kazakhstan</a>' in html
    assert "Free political prisoners" not in html  # Uzbekistan's


def test_charts_are_labelled_svg_with_a_table_equivalent(client, kazakhstan_world):
    html = profile(client).content.decode()
    svgs = re.findall(r'<svg class="chart-svg"[^>]*>', html)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'role="img"' in svg
        ids = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        for element_id in ids:
            assert f'id="{element_id}"' in html
    assert '<desc id="received-responses-desc">Supported: 3; Noted: 1; No response recorded: 1</desc>' in html
    assert "Show the data as a table" in html


def test_profile_query_count_is_constant(client, kazakhstan_world, django_assert_num_queries):
    for n in range(5):
        recommendation(
            review("KAZ", 34 + n),
            f"More {n}",
            by=("FRA", "DEU"),
            response="supported",
            themes=("Death penalty",),
            groups=("Women",),
        )
    # 0 the data version (response cache miss); 1 the State and its regional group; 2 its blocs;
    # 3 received counts by response and status;
    # 4 made counts; 5 reviews with counts; 6 top recipients; 7 top themes; 8 top affected groups;
    # 9 latest assessments with organisation and recommendation; 10 their citations with evidence.
    with django_assert_num_queries(11):
        assert profile(client).status_code == 200


def test_profile_escapes_hostile_evidence(client, kazakhstan_world):
    hostile = evidence("<script>alert('t')</script>", url="https://example.org/h")
    assess(kazakhstan_world["networks"], "not_implemented", D(2015, 1, 1), cites=[(hostile, "", "")])
    html = profile(client).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in html


def test_index_lists_every_state_with_received_and_made_counts(client, kazakhstan_world, django_assert_num_queries):
    # One query: the States with their regional group and two correlated counts.
    with django_assert_num_queries(1):
        response = client.get(reverse("states:index"))
    states = {state.iso3: state for state in response.context["states"]}
    assert len(states) == 195
    assert (states["KAZ"].received, states["KAZ"].made) == (5, 1)
    assert (states["NOR"].received, states["NOR"].made) == (0, 3)
    assert (states["UZB"].received, states["UZB"].made) == (2, 0)
    html = response.content.decode()
    assert 'href="/recommendations/?recommending_state=NOR">3</a>' in html
    assert "Asia-Pacific States" in html
