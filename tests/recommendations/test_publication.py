"""Drafts, submissions and rejected assessments never show publicly; publishing makes them count."""

import datetime

import pytest

from recommendations import services
from recommendations.models import EvidenceSource, ImplementationAssessment, Recommendation
from tests.recommendations.conftest import if_match

pytestmark = pytest.mark.django_db

SECRET = "Unpublished words about the prison"


@pytest.fixture
def site(review_kaz_2010, make_recommendation, org_a, norway):
    """One recommendation with a published assessment, then newer unpublished ones in every other state."""
    recommendation = make_recommendation(review_kaz_2010, states=[norway])
    evidence = EvidenceSource.objects.create(title="Secret memo", url="https://example.org/secret")
    published = services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2012, 1, 1),
        organisation=org_a,
        narrative="Published words",
    )
    hidden = [
        services.record_assessment(
            recommendation=recommendation,
            status="fully_implemented",
            assessed_on=datetime.date(2015, 1, 1),
            organisation=org_a,
            narrative=SECRET,
            state=state,
            citations=[(evidence, "", "")],
        )
        for state in ("draft", "submitted", "rejected")
    ]
    return {"recommendation": recommendation, "published": published, "hidden": hidden}


def test_only_published_assessments_count_for_the_current_status(site):
    recommendation = Recommendation.objects.get()
    assert (recommendation.current_status, recommendation.current_status_date) == (
        "not_implemented",
        datetime.date(2012, 1, 1),
    )


def test_publishing_and_unpublishing_move_the_current_status(site, reviewer_a):
    draft = site["hidden"][0]
    services.set_assessment_state(assessment=draft, state="published", user=reviewer_a)
    assert Recommendation.objects.get().current_status == "fully_implemented"
    services.set_assessment_state(assessment=draft, state="draft", user=reviewer_a)
    assert Recommendation.objects.get().current_status == "not_implemented"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/recommendations/{pk}/",
        "/states/KAZ/",
        "/api/v1/assessments/",
        "/api/v1/feeds/assessments.atom",
        "/embed/recommendations/?state_under_review=KAZ",
        "/api/v1/recommendations/export.csv",
        "/api/v1/recommendations/export.jsonl",
        "/api/v1/evidence-sources/",
    ],
)
def test_unpublished_assessments_appear_nowhere_public(site, client, url):
    response = client.get(url.format(pk=site["recommendation"].pk))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert SECRET.encode() not in body
    assert b"Secret memo" not in body
    if url.startswith("/api/"):
        assert b"fully_implemented" not in body


def test_unpublished_assessment_detail_is_a_404_for_the_public(site, api_client):
    for assessment in site["hidden"]:
        assert api_client.get(f"/api/v1/assessments/{assessment.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/assessments/{site['published'].pk}/").status_code == 200


def test_facets_and_status_filter_ignore_unpublished(site, api_client):
    facets = api_client.get("/api/v1/recommendations/facets/?facet=status").json()["facets"]["status"]
    assert [(f["value"], f["count"]) for f in facets if f["count"]] == [("not_implemented", 1)]
    found = api_client.get("/api/v1/recommendations/?status=fully_implemented").json()["results"]
    assert found == []


def test_members_see_their_organisations_drafts_in_the_api(site, token_client_a, token_client_b):
    mine = {a["id"] for a in token_client_a.get("/api/v1/assessments/").json()["results"]}
    theirs = {a["id"] for a in token_client_b.get("/api/v1/assessments/").json()["results"]}
    assert mine == {site["published"].pk, *(a.pk for a in site["hidden"])}
    assert theirs == {site["published"].pk}


def test_reviewer_publishes_through_the_api(site, token_client, reviewer_a, token_client_a, org_a):
    draft = site["hidden"][0]
    # An editor (partner A has the editor role) may not publish …
    response = token_client_a.patch(
        f"/api/v1/assessments/{draft.pk}/", {"state": "published"}, format="json", **if_match(draft)
    )
    assert response.status_code == 403
    assert response.json() == {
        "errors": {"detail": ["Only a reviewer of the assessment's organisation may publish or reject it."]}
    }
    # … a reviewer may.
    response = token_client(reviewer_a, org_a).patch(
        f"/api/v1/assessments/{draft.pk}/", {"state": "published"}, format="json", **if_match(draft)
    )
    assert response.status_code == 200
    assert ImplementationAssessment.objects.get(pk=draft.pk).state == "published"
    assert Recommendation.objects.get().current_status == "fully_implemented"
