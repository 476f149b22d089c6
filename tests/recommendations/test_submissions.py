"""Partners without an editor account submit assessments: the public form and the API, both into moderation."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from recommendations.models import ImplementationAssessment, Recommendation
from tests.recommendations.conftest import if_match
from tests.recommendations.editor_helpers import submission_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommendation(review_kaz_2010, make_recommendation):
    cache.clear()
    return make_recommendation(review_kaz_2010)


def url(recommendation) -> str:
    return reverse("recommendations:submit-assessment", args=[recommendation.pk])


def test_public_submission_is_stored_as_submitted_with_its_evidence(client, recommendation, org_a):
    assert client.get(url(recommendation)).status_code == 200
    response = client.post(url(recommendation), submission_form_data(org_a))
    assert response.status_code == 200
    assert response.context["done"]
    assessment = ImplementationAssessment.objects.get()
    assert (assessment.state, assessment.organisation, assessment.recorded_by) == ("submitted", org_a, None)
    assert assessment.submitter == "Aigerim <aigerim@example.org>, A local NGO"
    assert [c.evidence.url for c in assessment.citations.all()] == ["https://kibhr.example.org/report-2013"]
    assert Recommendation.objects.get().current_status == ""


def test_the_honeypot_stops_bots(client, recommendation, org_a):
    response = client.post(url(recommendation), submission_form_data(org_a, website="http://spam.example"))
    assert response.status_code == 400
    assert not ImplementationAssessment.objects.exists()


def test_over_long_narrative_is_refused(client, recommendation, org_a):
    response = client.post(url(recommendation), submission_form_data(org_a, narrative="x" * 5001))
    assert response.status_code == 400
    assert "narrative" in response.context["form"].errors


def test_submissions_are_rate_limited_per_address(client, recommendation, org_a):
    for _ in range(10):
        assert client.post(url(recommendation), submission_form_data(org_a)).status_code == 200
    assert client.post(url(recommendation), submission_form_data(org_a)).status_code == 429
    assert ImplementationAssessment.objects.count() == 10


def test_the_form_needs_csrf(recommendation, org_a):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(url(recommendation), submission_form_data(org_a))
    assert response.status_code == 403


def test_token_without_membership_submits_through_the_api(token_client, django_user_model, recommendation, org_a):
    nhri = django_user_model.objects.create_user(username="nhri", password="correct horse battery")
    api_client = token_client(nhri)
    payload = {
        "recommendation": recommendation.pk,
        "status": "partially_implemented",
        "assessed_on": "2015-01-01",
        "organisation": "defenders-watch",
    }
    response = api_client.post("/api/v1/assessments/", payload, format="json")
    assert response.status_code == 201
    assert response.json()["state"] == "submitted"
    # The submitter sees it; it cannot change it any more.
    assessment_url = f"/api/v1/assessments/{response.json()['id']}/"
    assert api_client.get(assessment_url).status_code == 200
    submitted = ImplementationAssessment.objects.get(pk=response.json()["id"])
    assert api_client.patch(assessment_url, {"narrative": "x"}, format="json", **if_match(submitted)).status_code == 403


def test_behind_a_proxy_the_public_form_counts_each_client(client, recommendation, org_a, settings):
    settings.NUM_PROXIES = 1
    via_proxy = {"REMOTE_ADDR": "10.0.0.9"}
    for n in range(10):
        client.post(
            url(recommendation),
            submission_form_data(org_a),
            **via_proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        )
    refused = client.post(
        url(recommendation), submission_form_data(org_a), **via_proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert refused.status_code == 429
    other = client.post(
        url(recommendation), submission_form_data(org_a), **via_proxy, HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert other.status_code == 200
