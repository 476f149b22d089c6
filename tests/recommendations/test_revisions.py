"""Published means reviewed: an editor's change to a published assessment is a proposed revision that stays
private until a reviewer publishes it; then it replaces the published text in place (same id, new version)."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from recommendations import services
from recommendations.models import (
    DeletedObject,
    EvidenceSource,
    ImplementationAssessment,
    Publication,
    Recommendation,
)
from tests.recommendations.editor_helpers import form_inputs, submission_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(org_a):
    return EvidenceSource.objects.create(
        title="World Report 2014", url="https://www.hrw.org/wr2014", organisation=org_a
    )


@pytest.fixture
def published(review_kaz_2010, make_recommendation, org_a, report):
    return services.record_assessment(
        recommendation=make_recommendation(review_kaz_2010),
        status="not_implemented",
        assessed_on=datetime.date(2013, 1, 1),
        organisation=org_a,
        narrative="Defenders were jailed.",
        citations=[(report, "Chapter on Kazakhstan", "12")],
    )


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def patch(client, assessment, data):
    url = f"/api/v1/assessments/{assessment.pk}/"
    return client.patch(url, data, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])


def current_status(assessment) -> tuple:
    return Recommendation.objects.values_list("current_status", "current_status_date").get(
        pk=assessment.recommendation_id
    )


def test_an_editor_saving_a_published_assessment_in_the_admin_proposes_a_revision(client, editor_a, published):
    client.force_login(editor_a)
    url = reverse("admin:recommendations_implementationassessment_change", args=[published.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["has_change_permission"]
    data = form_inputs(page.content.decode()) | {
        "status": "partially_implemented",
        "assessed_on": "2015-03-01",
        "assessor_kind": "civil_society",
        "narrative": "Two defenders were released.",
        "submitter": "",
    }
    response = client.post(url, data, follow=True)
    revision = ImplementationAssessment.objects.get(revision_of=published)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:recommendations_implementationassessment_change", args=[revision.pk]
    )
    assert "submitted for review" in [str(m) for m in response.context["messages"]][0]
    assert (revision.state, revision.narrative, revision.recorded_by) == (
        Publication.SUBMITTED,
        "Two defenders were released.",
        editor_a,
    )
    assert list(revision.citations.values_list("evidence__title", "page")) == [("World Report 2014", "12")]
    published.refresh_from_db()
    assert (published.narrative, published.state, published.version) == (
        "Defenders were jailed.",
        Publication.PUBLISHED,
        1,
    )
    assert current_status(published) == ("not_implemented", datetime.date(2013, 1, 1))


def test_a_reviewer_publishing_the_revision_changes_the_published_assessment_in_place(
    client, editor_a, reviewer_a, published
):
    revision = services.propose_revision(
        assessment=published, user=editor_a, status="fully_implemented", assessed_on=datetime.date(2016, 5, 1)
    )
    client.force_login(reviewer_a)
    queue = reverse("admin:recommendations_moderationqueue_changelist")
    assert [a.pk for a in client.get(queue).context["cl"].result_list] == [revision.pk]
    client.post(queue, {"action": "publish", "_selected_action": [revision.pk]})
    published.refresh_from_db()
    assert (published.status, published.assessed_on, published.version) == (
        "fully_implemented",
        datetime.date(2016, 5, 1),
        2,
    )
    assert not ImplementationAssessment.objects.filter(pk=revision.pk).exists()
    assert published.citations.count() == 1
    assert current_status(published) == ("fully_implemented", datetime.date(2016, 5, 1))
    assert ImplementationAssessment.history.filter(id=published.pk).latest("history_id").history_user == reviewer_a


def test_publishing_a_revision_through_the_api_answers_with_the_published_assessment(editor_a, reviewer_a, published):
    revision = patch(api(editor_a), published, {"narrative": "Released."})
    assert revision.status_code == 202
    assert revision["Location"] == f"http://testserver/api/v1/assessments/{revision.json()['id']}/"
    assert revision.json()["revision_of"] == published.pk
    reviewer = api(reviewer_a)
    response = patch(reviewer, ImplementationAssessment(pk=revision.json()["id"]), {"state": "published"})
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["narrative"], response.json()["version"]) == (
        published.pk,
        "Released.",
        2,
    )


def test_a_second_proposal_waits_for_the_first(editor_a, published):
    client = api(editor_a)
    first = patch(client, published, {"narrative": "First proposal"})
    second = patch(client, published, {"narrative": "Second proposal"})
    assert second.status_code == 409
    assert second.json() == {
        "errors": {
            "detail": [
                f"A proposed change to this assessment already awaits review: {first['Location']}. Change that one "
                "(PATCH it), or ask a reviewer of your organisation to publish or reject it first."
            ]
        }
    }


def test_a_reviewer_changes_a_published_assessment_directly(reviewer_a, published):
    response = patch(api(reviewer_a), published, {"narrative": "Corrected by the reviewer."})
    assert response.status_code == 200
    assert response.json()["id"] == published.pk
    assert not ImplementationAssessment.objects.filter(revision_of=published).exists()


def test_an_editor_may_not_delete_a_published_assessment(client, editor_a, published):
    response = api(editor_a).delete(f"/api/v1/assessments/{published.pk}/")
    assert response.status_code == 403
    assert response.json() == {
        "errors": {"detail": ["Only a reviewer of the assessment's organisation may delete a published assessment."]}
    }
    client.force_login(editor_a)
    url = reverse("admin:recommendations_implementationassessment_delete", args=[published.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert ImplementationAssessment.objects.filter(pk=published.pk).exists()


def test_unpublishing_tells_partners_the_assessment_is_gone(reviewer_a, published):
    services.set_assessment_state(assessment=published, state=Publication.DRAFT, user=reviewer_a)
    assert list(DeletedObject.objects.values_list("kind", "object_id")) == [("assessment", published.pk)]


def test_a_published_submission_gives_its_evidence_to_the_organisation(client, reviewer_a, org_a, published):
    url = reverse("recommendations:submit-assessment", args=[published.recommendation_id])
    client.post(url, submission_form_data(org_a, evidence_url="https://kibhr.example.org/new-report"))
    client.post(url, submission_form_data(org_a, evidence_url="https://www.hrw.org/wr2014", name="Second"))
    submitted = list(ImplementationAssessment.objects.filter(state=Publication.SUBMITTED).order_by("pk"))
    assert [a.citations.get().evidence.organisation_id for a in submitted] == [None, None]
    for submission in submitted:
        services.set_assessment_state(assessment=submission, state=Publication.PUBLISHED, user=reviewer_a)
    # A new URL becomes the organisation's source; a URL it holds already is cited from its own source.
    new, known = (a.citations.get().evidence for a in submitted)
    assert (new.organisation_id, new.url) == (org_a.pk, "https://kibhr.example.org/new-report")
    assert known.pk == published.citations.get().evidence_id
    assert EvidenceSource.objects.filter(organisation__isnull=True).count() == 0
