"""The public page of one recommendation: /recommendations/<id>/."""

import pytest
from django.urls import reverse

from tests.site_data import D, assess, evidence, recommendation, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def kaz_2010():
    return review("KAZ", 7, report_symbol="A/HRC/14/10")


@pytest.fixture
def defenders(kaz_2010):
    return recommendation(
        kaz_2010,
        "Ensure that attacks on human rights defenders are investigated",
        by=("NOR", "CAN"),
        paragraph="93.45",
        response="supported",
        source="A/HRC/14/10/Add.1 - Para. 3",
        themes=("Human rights defenders",),
        groups=("Human rights defenders", "Journalists"),
        sdgs=(16,),
        action_category=5,
    )


def page(client, made):
    return client.get(reverse("recommendations:detail", args=[made.pk]))


def test_shows_the_recommendation_with_its_source_and_classification(client, defenders):
    html = page(client, defenders).content.decode()
    assert "Ensure that attacks on human rights defenders are investigated" in html
    assert "93.45" in html
    assert "A/HRC/14/10" in html
    assert "A/HRC/14/10/Add.1 - Para. 3" in html
    assert 'href="/states/KAZ/">Kazakhstan</a>' in html
    assert 'href="/states/NOR/">Norway</a>' in html and 'href="/states/CAN/">Canada</a>' in html
    assert "7th session (2008)" not in html and "7th session (2010)" in html
    assert "cycle 1" in html
    assert "5 — Specific action" in html and "measurable action" in html
    assert 'href="/themes/upr-info/human-rights-defenders/"' in html
    assert 'href="/recommendations/?affected_group=journalists"' in html
    assert 'href="/recommendations/?sdg=16"' in html
    assert '<span class="badge response-supported">Supported</span>' in html
    assert '<span class="badge status-none">Not assessed</span>' in html


def test_timeline_lists_assessments_newest_first_with_their_evidence(client, defenders):
    report = evidence(
        "World Report 2014: Kazakhstan", url="https://www.hrw.org/world-report/2014", published_on=D(2014, 1, 21)
    )
    statement = evidence("Press conference remarks", publisher="OHCHR", kind="un_document")
    assess(defenders, "not_implemented", D(2012, 7, 31), cites=[(statement, "No independent inquiry.", "")])
    assess(
        defenders,
        "partially_implemented",
        D(2014, 1, 31),
        narrative="Some cases reopened.",
        cites=[(report, "Defenders are harassed through the courts.", "p. 12")],
    )
    html = page(client, defenders).content.decode()
    newer, older = html.index("31 January 2014"), html.index("31 July 2012")
    assert newer < older
    assert (
        '<a href="https://www.hrw.org/world-report/2014" rel="noopener noreferrer">World Report 2014: Kazakhstan</a>'
        in html
    )
    assert "Defenders are harassed through the courts." in html
    assert "p. 12" in html
    assert "Some cases reopened." in html
    assert "<cite>Press conference remarks</cite>" in html  # no URL: cited, not linked
    assert "UN document or statement" in html
    # The current status is the latest assessment's.
    assert '<span class="badge status-partially_implemented">Partially implemented</span>' in html


def test_related_lists_same_state_and_theme_in_other_cycles_only(client, kaz_2010, defenders):
    kaz_2014 = review("KAZ", 20)
    same_theme_later = recommendation(kaz_2014, "Protect defenders from reprisals", themes=("Human rights defenders",))
    other_theme_later = recommendation(kaz_2014, "Abolish the death penalty", themes=("Death penalty",))
    same_cycle = recommendation(kaz_2010, "Release jailed defenders", themes=("Human rights defenders",))
    other_state = recommendation(review("UZB", 16), "Stop harassing defenders", themes=("Human rights defenders",))
    response = page(client, defenders)
    assert [r.pk for r in response.context["related"]] == [same_theme_later.pk]
    html = response.content.decode()
    for decoy in (other_theme_later, same_cycle, other_state):
        assert decoy.text not in html


def test_query_count_does_not_grow_with_assessments_and_evidence(client, defenders, django_assert_num_queries):
    sources = [evidence(f"Report {n}", url=f"https://example.org/{n}") for n in range(4)]
    for day in range(1, 4):
        assess(defenders, "not_implemented", D(2013, 1, day), cites=[(s, f"Excerpt {day}", "") for s in sources])
    recommendation(review("KAZ", 20), "Protect defenders", themes=("Human rights defenders",))
    # 0 the data version (response cache miss); 1 the recommendation with its review, State, session and
    # cycle; 2 recommending States; 3 themes with
    # their scheme; 4 affected groups; 5 SDGs; 6 positions; 7 assessments with their organisation;
    # 8 citations with their evidence; 9 related recommendations with their session and cycle; 10 its chain of
    # confirmed repeats in other reviews (followup.repeat_histories, one recursive query).
    with django_assert_num_queries(11):
        response = page(client, defenders)
    assert response.status_code == 200


def test_unknown_or_oversized_id_is_a_404(client, defenders):
    assert client.get(reverse("recommendations:detail", args=[defenders.pk + 1000])).status_code == 404
    assert client.get("/recommendations/99999999999999999999999/").status_code == 404
    assert client.get("/recommendations/-1/").status_code == 404


def test_hostile_text_and_evidence_are_escaped(client, kaz_2010):
    made = recommendation(kaz_2010, "<script>alert('text')</script>", response="noted")
    hostile = evidence("<script>alert('title')</script>", url="https://example.org/x", publisher="<b>pub</b>")
    assess(
        made,
        "not_implemented",
        D(2014, 1, 1),
        narrative="<img src=x onerror=alert(1)>",
        cites=[(hostile, "<script>alert('excerpt')</script>", "<i>p</i>")],
    )
    html = page(client, made).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;text&#x27;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>pub</b>" not in html and "<i>p</i>" not in html
