"""No lost edits through the API: the ETag carries the version, If-Match guards the write."""

import datetime

import pytest

from recommendations import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(review_kaz_2010, make_recommendation, org_a):
    return services.record_assessment(
        recommendation=make_recommendation(review_kaz_2010),
        status="not_implemented",
        assessed_on=datetime.date(2013, 1, 1),
        organisation=org_a,
        state="draft",
    )


def test_etag_carries_the_version(token_client_a, assessment):
    response = token_client_a.get(f"/api/v1/assessments/{assessment.pk}/")
    assert response["ETag"] == f'"assessment-{assessment.pk}-v1"'
    assert response.json()["version"] == 1


def test_write_with_the_current_etag_succeeds_and_returns_the_next(token_client_a, assessment):
    url = f"/api/v1/assessments/{assessment.pk}/"
    etag = token_client_a.get(url)["ETag"]
    response = token_client_a.patch(url, {"narrative": "First"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] == f'"assessment-{assessment.pk}-v2"'
    assert response.json()["version"] == 2


def test_second_writer_with_a_stale_etag_gets_412(token_client_a, assessment, api_client, partner_a):
    url = f"/api/v1/assessments/{assessment.pk}/"
    etag = token_client_a.get(url)["ETag"]
    assert token_client_a.patch(url, {"narrative": "First"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    response = token_client_a.patch(url, {"narrative": "Second"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json() == {
        "errors": {
            "detail": [
                "The assessment was changed since you read it: it is now version 2 "
                f'(ETag "assessment-{assessment.pk}-v2"). Read it again and reapply your change.'
            ]
        }
    }
    assessment.refresh_from_db()
    assert (assessment.narrative, assessment.version) == ("First", 2)


def test_service_refuses_a_save_based_on_an_old_version(assessment, editor_a):
    stale = type(assessment).objects.get(pk=assessment.pk)
    services.update_assessment(assessment=assessment, narrative="Saved first", user=editor_a)
    with pytest.raises(services.EditConflict) as conflict:
        services.update_assessment(assessment=stale, narrative="Saved second", user=editor_a)
    assert conflict.value.current.narrative == "Saved first"


def test_evidence_sources_are_guarded_the_same_way(token_client_a, org_a):
    created = token_client_a.post("/api/v1/evidence-sources/", {"title": "Report"}, format="json").json()
    url = f"/api/v1/evidence-sources/{created['id']}/"
    etag = token_client_a.get(url)["ETag"]
    assert etag == f'"evidence-{created["id"]}-v1"'
    first = token_client_a.patch(url, {"title": "First"}, format="json", HTTP_IF_MATCH=etag)
    assert (first.status_code, first["ETag"]) == (200, f'"evidence-{created["id"]}-v2"')
    assert token_client_a.patch(url, {"title": "Second"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
