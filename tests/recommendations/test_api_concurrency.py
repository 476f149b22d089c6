"""No lost edits through the API: the ETag carries the version, If-Match is required and guards the write."""

import datetime

import pytest
from rest_framework.viewsets import ModelViewSet

from core.api import DetailMixin
from recommendations import services
from recommendations.api.urls import router
from recommendations.models import EvidenceSource, ImplementationAssessment

pytestmark = pytest.mark.django_db

MISSING = (
    "If-Match is required: GET the {noun} first and send its ETag as If-Match, "
    "so that a change someone made since then is not overwritten."
)


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
                "The implementation assessment was changed since you read it: "
                f'its ETag is now "assessment-{assessment.pk}-v2". Read it again and reapply your change.'
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


@pytest.fixture
def evidence(org_a):
    return EvidenceSource.objects.create(
        title="World Report 2014", url="https://www.hrw.org/wr2014", organisation=org_a
    )


def test_patch_without_if_match_is_a_428_and_changes_nothing(token_client_a, assessment):
    response = token_client_a.patch(f"/api/v1/assessments/{assessment.pk}/", {"narrative": "Blind"}, format="json")
    assert response.status_code == 428
    assert response.json() == {"errors": {"detail": [MISSING.format(noun="implementation assessment")]}}
    assessment.refresh_from_db()
    assert (assessment.narrative, assessment.version) == ("", 1)


def test_put_without_if_match_is_a_428(token_client_a, evidence):
    response = token_client_a.put(f"/api/v1/evidence-sources/{evidence.pk}/", {"title": "Blind"}, format="json")
    assert response.status_code == 428
    assert response.json() == {"errors": {"detail": [MISSING.format(noun="evidence source")]}}
    assert EvidenceSource.objects.get().title == "World Report 2014"


def test_if_match_star_names_no_version_and_is_a_428(token_client_a, assessment):
    response = token_client_a.patch(
        f"/api/v1/assessments/{assessment.pk}/", {"narrative": "Blind"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 428
    assert response.json() == {
        "errors": {
            "detail": [
                "If-Match: * is not accepted: GET the implementation assessment first and send its ETag as "
                "If-Match, so that a change someone made since then is not overwritten."
            ]
        }
    }


def test_delete_without_if_match_is_a_428_stale_is_a_412_current_is_a_204(token_client_a, assessment):
    url = f"/api/v1/assessments/{assessment.pk}/"
    etag = token_client_a.get(url)["ETag"]
    missing = token_client_a.delete(url)
    assert (missing.status_code, missing.json()) == (
        428,
        {"errors": {"detail": [MISSING.format(noun="implementation assessment")]}},
    )
    services.update_assessment(assessment=assessment, narrative="A colleague's edit")
    stale = token_client_a.delete(url, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json() == {
        "errors": {
            "detail": [
                "The implementation assessment was changed since you read it: "
                f'its ETag is now "assessment-{assessment.pk}-v2". Read it again and reapply your change.'
            ]
        }
    }
    assert token_client_a.delete(url, HTTP_IF_MATCH=token_client_a.get(url)["ETag"]).status_code == 204
    assert not ImplementationAssessment.objects.exists()


def test_evidence_delete_needs_the_current_etag_too(token_client_a, evidence):
    url = f"/api/v1/evidence-sources/{evidence.pk}/"
    assert token_client_a.delete(url).status_code == 428
    assert token_client_a.delete(url, HTTP_IF_MATCH=f'"evidence-{evidence.pk}-v0"').status_code == 412
    assert token_client_a.delete(url, HTTP_IF_MATCH=token_client_a.get(url)["ETag"]).status_code == 204


def test_a_weak_etag_or_a_list_naming_the_current_version_is_accepted(token_client_a, assessment):
    url = f"/api/v1/assessments/{assessment.pk}/"
    weak = token_client_a.patch(
        url, {"narrative": "One"}, format="json", HTTP_IF_MATCH=f'W/"assessment-{assessment.pk}-v1"'
    )
    assert weak.status_code == 200
    listed = f'"assessment-{assessment.pk}-v1", "assessment-{assessment.pk}-v2"'
    assert token_client_a.patch(url, {"narrative": "Two"}, format="json", HTTP_IF_MATCH=listed).status_code == 200


def test_who_may_not_write_hears_so_before_being_asked_for_if_match(token_client_b, api_client, assessment):
    services.set_assessment_state(assessment=assessment, state="published")  # B sees it, may not change it
    url = f"/api/v1/assessments/{assessment.pk}/"
    assert api_client.patch(url, {"narrative": "x"}, format="json").status_code == 401
    assert token_client_b.patch(url, {"narrative": "x"}, format="json").status_code == 403
    assert token_client_b.delete("/api/v1/assessments/999999/").status_code == 404


def test_service_refuses_to_delete_an_old_version(assessment):
    services.update_assessment(assessment=type(assessment).objects.get(pk=assessment.pk), narrative="Changed")
    with pytest.raises(services.EditConflict):
        services.delete_assessment(assessment=assessment, expected_version=1)
    assert ImplementationAssessment.objects.filter(pk=assessment.pk).exists()


@pytest.mark.parametrize("prefix, viewset", [(prefix, viewset) for prefix, viewset, _ in router.registry])
def test_every_viewset_that_changes_objects_requires_if_match(prefix, viewset):
    """A new writable viewset gets If-Match from DetailMixin, and names versions with etag_for."""
    writes = hasattr(viewset, "update") or hasattr(viewset, "destroy")
    if writes:
        assert issubclass(viewset, DetailMixin), prefix
        assert callable(getattr(viewset, "etag_for", None)), prefix
    assert writes == issubclass(viewset, ModelViewSet), prefix
