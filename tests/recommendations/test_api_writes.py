"""Writing assessments and evidence with partner tokens, scoped to the token owner's organisations."""

import datetime

import pytest

from recommendations import services
from recommendations.models import EvidenceSource, ImplementationAssessment, Membership, Recommendation
from tests.recommendations.conftest import if_match

pytestmark = pytest.mark.django_db

ASSESSMENTS = "/api/v1/assessments/"
EVIDENCE = "/api/v1/evidence-sources/"


@pytest.fixture
def recommendation(review_kaz_2010, make_recommendation, norway):
    return make_recommendation(review_kaz_2010, states=[norway])


@pytest.fixture
def report(org_a):
    return EvidenceSource.objects.create(
        title="World Report 2014",
        publisher="Human Rights Watch",
        url="https://www.hrw.org/world-report/2014",
        organisation=org_a,
    )


@pytest.fixture
def reviewer_b(editor_b):
    """Organisation B's editor made its reviewer: changes to published assessments are theirs to make."""
    Membership.objects.filter(user=editor_b).update(role=Membership.Role.REVIEWER)
    return editor_b


@pytest.fixture
def assessment_b(recommendation, org_b):
    return services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2013, 1, 1),
        organisation=org_b,
    )


def current_status(recommendation) -> tuple:
    return Recommendation.objects.values_list("current_status", "current_status_date").get(pk=recommendation.pk)


def test_partner_records_an_assessment_for_its_organisation(token_client_a, recommendation, report, partner_a):
    payload = {
        "recommendation": recommendation.pk,
        "status": "partially_implemented",
        "assessed_on": "2014-01-21",
        "organisation": "defenders-watch",
        "narrative": "Some defenders were released.",
        "citations": [{"evidence": report.pk, "excerpt": "p. 12 says …", "page": "12"}],
    }
    response = token_client_a.post(ASSESSMENTS, payload, format="json")
    assert response.status_code == 201, response.json()
    assessment = ImplementationAssessment.objects.get()
    assert response.json() == {
        "id": assessment.pk,
        "url": f"http://testserver/api/v1/assessments/{assessment.pk}/",
        "recommendation": recommendation.pk,
        "recommendation_url": f"http://testserver/api/v1/recommendations/{recommendation.pk}/",
        "status": "partially_implemented",
        "assessed_on": "2014-01-21",
        "narrative": "Some defenders were released.",
        "organisation": "defenders-watch",
        "organisation_name": "Defenders Watch",
        "assessor_kind": "civil_society",
        "state": "draft",
        "revision_of": None,
        "version": 1,
        "citations": [
            {
                "evidence": report.pk,
                "evidence_url": f"http://testserver/api/v1/evidence-sources/{report.pk}/",
                "excerpt": "p. 12 says …",
                "page": "12",
            }
        ],
        "created_at": assessment.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": assessment.updated_at.isoformat().replace("+00:00", "Z"),
    }
    assert assessment.recorded_by == partner_a
    # A draft until a reviewer publishes it: the current status does not move yet.
    assert current_status(recommendation) == ("", None)


def test_token_of_a_only_submits_an_assessment_for_b(token_client_a, recommendation, org_b):
    payload = {"recommendation": recommendation.pk, "status": "fully_implemented", "assessed_on": "2015-01-01"}
    response = token_client_a.post(
        ASSESSMENTS, {**payload, "organisation": "assembly-monitor", "state": "published"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "submitted"
    assert ImplementationAssessment.objects.get().state == "submitted"
    assert current_status(recommendation) == ("", None)


def test_token_of_a_cannot_change_or_delete_b_assessment(token_client_a, assessment_b, recommendation):
    url = f"{ASSESSMENTS}{assessment_b.pk}/"
    assert (
        token_client_a.patch(url, {"status": "fully_implemented"}, format="json", **if_match(assessment_b)).status_code
        == 403
    )
    assert token_client_a.delete(url, **if_match(assessment_b)).status_code == 403
    assessment_b.refresh_from_db()
    assert assessment_b.status == "not_implemented"


def test_token_of_a_cannot_move_its_assessment_to_b(token_client_a, recommendation, org_a, org_b):
    mine = services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2013, 1, 1),
        organisation=org_a,
    )
    response = token_client_a.patch(
        f"{ASSESSMENTS}{mine.pk}/", {"organisation": "assembly-monitor"}, format="json", **if_match(mine)
    )
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.organisation == org_a


def test_b_changes_its_assessment_and_the_status_follows(token_client_b, reviewer_b, assessment_b, recommendation):
    response = token_client_b.patch(
        f"{ASSESSMENTS}{assessment_b.pk}/",
        {"status": "fully_implemented", "assessed_on": "2016-05-01"},
        format="json",
        **if_match(assessment_b),
    )
    assert response.status_code == 200, response.json()
    assert current_status(recommendation) == ("fully_implemented", datetime.date(2016, 5, 1))


def test_b_deletes_its_assessment_and_leaves_a_tombstone(token_client_b, reviewer_b, assessment_b, recommendation):
    assert token_client_b.delete(f"{ASSESSMENTS}{assessment_b.pk}/", **if_match(assessment_b)).status_code == 204
    assert current_status(recommendation) == ("", None)
    deletions = token_client_b.get("/api/v1/deletions/").json()["results"]
    assert [(d["kind"], d["object_id"]) for d in deletions] == [("assessment", assessment_b.pk)]


def test_anonymous_cannot_change_or_delete(api_client, assessment_b):
    url = f"{ASSESSMENTS}{assessment_b.pk}/"
    assert (
        api_client.patch(url, {"status": "fully_implemented"}, format="json", **if_match(assessment_b)).status_code
        == 401
    )
    assert api_client.delete(url, **if_match(assessment_b)).status_code == 401


def test_token_without_organisation_cannot_change_evidence(token_client, django_user_model, report):
    user = django_user_model.objects.create_user(username="loner", password="correct horse battery")
    response = token_client(user).patch(
        f"{EVIDENCE}{report.pk}/", {"title": "Mine now"}, format="json", **if_match(report)
    )
    # Uncited evidence is visible to members only: to anyone else it does not exist.
    assert response.status_code == 404


def test_bad_token_is_a_401(api_client, recommendation):
    api_client.credentials(HTTP_AUTHORIZATION="Token 0000")
    response = api_client.post(EVIDENCE, {"title": "A report"}, format="json")
    assert response.status_code == 401
    assert response.json() == {"errors": {"detail": ["Invalid token."]}}


def test_invalid_assessment_is_a_400_naming_the_fields(token_client_a, recommendation, report):
    payload = {
        "recommendation": 999999,
        "status": "done",
        "organisation": "defenders-watch",
        "citations": [{"evidence": report.pk, "page": "1"}, {"evidence": report.pk, "page": "1"}],
    }
    response = token_client_a.post(ASSESSMENTS, payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "recommendation": ['Invalid pk "999999" - object does not exist.'],
            "status": ['"done" is not a valid choice.'],
            "assessed_on": ["This field is required."],
            "citations": ["Each evidence source may be cited once per page."],
        }
    }


def test_malformed_json_is_a_400(token_client_a, recommendation):
    response = token_client_a.post(ASSESSMENTS, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["detail"]


def test_partner_creates_and_edits_evidence(token_client_a, org_a):
    response = token_client_a.post(
        EVIDENCE,
        {"title": "Annual report 2013", "publisher": "Front Line Defenders", "kind": "ngo_report"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    url = response.json()["url"]
    etag = token_client_a.get(url)["ETag"]
    assert (
        token_client_a.patch(url, {"published_on": "2014-02-01"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    )
    assert EvidenceSource.objects.get().published_on == datetime.date(2014, 2, 1)


def test_duplicate_evidence_url_is_a_400(token_client_a, report):
    response = token_client_a.post(EVIDENCE, {"title": "Again", "source_url": report.url}, format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"source_url": ["Your organisation already has a source with this URL."]}}


def test_another_organisation_citing_evidence_does_not_make_it_theirs_to_change(token_client_b, assessment_b, report):
    assessment_b.citations.create(evidence=report, page="3")
    response = token_client_b.patch(f"{EVIDENCE}{report.pk}/", {"title": "Changed"}, format="json", **if_match(report))
    assert response.status_code == 403
    assert response.json() == {
        "errors": {
            "detail": ["This evidence source is held by another organisation; ask it or an administrator to change it."]
        }
    }


def test_cited_evidence_cannot_be_deleted(token_client_a, assessment_b, report):
    assessment_b.citations.create(evidence=report, page="3")
    response = token_client_a.delete(f"{EVIDENCE}{report.pk}/", **if_match(report))
    assert response.status_code == 409
    assert response.json() == {
        "errors": {"detail": ["Assessments cite this evidence source; remove those citations before deleting it."]}
    }
    assert EvidenceSource.objects.filter(pk=report.pk).exists()


def test_uncited_evidence_is_deleted_by_its_organisation_without_a_tombstone(token_client_a, report):
    # Never cited by a published assessment, it was never public: partners never saw it, the feed never names it.
    assert token_client_a.delete(f"{EVIDENCE}{report.pk}/", **if_match(report)).status_code == 204
    assert not EvidenceSource.objects.filter(pk=report.pk).exists()
    assert token_client_a.get("/api/v1/deletions/?kind=evidence_source").json()["results"] == []
