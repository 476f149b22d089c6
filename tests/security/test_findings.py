"""The independent security review's findings about organisation data, each reproduced as the attacker did it.

Findings 5–8 and 10 (PDF bounds, zip bombs, client address, the evidence page's 500, tokens) are tested
beside the code they concern: tests/states/test_briefing_pdf_limits.py, tests/hardening/test_upload_limits.py,
tests/test_login_lockout.py, tests/recommendations/test_evidence_uploads.py, tests/recommendations/test_api_tokens.py.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from recommendations import services
from recommendations.models import (
    Briefing,
    Citation,
    DeletedObject,
    EvidenceSource,
    ImplementationAssessment,
    Membership,
    Organisation,
    Publication,
)
from tests.recommendations.editor_helpers import submission_form_data

pytestmark = pytest.mark.django_db

TOMORROW = datetime.date.today() + datetime.timedelta(days=1)


def site(cast, actor: str) -> Client:
    client = Client()
    if cast.users[actor]:
        client.force_login(cast.users[actor])
    return client


def api(cast, actor: str) -> APIClient:
    client = APIClient()
    if cast.users[actor]:
        client.force_authenticate(cast.users[actor])
    return client


def history_urls(obj) -> list[str]:
    info = f"admin:{obj._meta.app_label}_{obj._meta.model_name}"
    first = obj.history.order_by("history_id").first()
    return [
        reverse(f"{info}_history", args=[obj.pk]),
        reverse(f"{info}_simple_history", args=[obj.pk, first.history_id]),
    ]


def revert_url(obj) -> str:
    first = obj.history.order_by("history_id").first()
    return reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_simple_history", args=[obj.pk, first.history_id]
    )


def body(response) -> str:
    return b"".join(response.streaming_content if response.streaming else [response.content]).decode()


# 1. History pages and revert ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["draft", "draft_citation", "private_evidence", "briefing", "ask"])
def test_history_pages_show_nothing_of_another_organisations_private_objects(cast, name):
    client = site(cast, "editor_b")
    for url in history_urls(cast.objects[name]):
        response = client.get(url)
        assert response.status_code in {403, 404}, url
        assert "MARKER" not in body(response)


def test_membership_revert_cannot_make_an_editor_a_reviewer_of_another_organisation(cast):
    membership = cast.objects["membership_b"]
    data = {"user": membership.user_id, "organisation": cast.objects["org_a"].pk, "role": "reviewer"}
    response = site(cast, "editor_b").post(revert_url(membership), data)
    assert response.status_code in {403, 404}
    assert list(Membership.objects.filter(user=cast.users["editor_b"]).values_list("organisation", "role")) == [
        (cast.objects["org_b"].pk, "editor")
    ]


def test_only_staff_administrators_change_roles_even_in_their_own_organisation(cast):
    membership = Membership.objects.get(user=cast.users["editor_a"])
    data = {"user": membership.user_id, "organisation": membership.organisation_id, "role": "reviewer"}
    assert site(cast, "editor_a").post(revert_url(membership), data).status_code in {403, 404}
    url = reverse("admin:recommendations_membership_change", args=[membership.pk])
    assert site(cast, "editor_a").post(url, data).status_code in {403, 404}
    membership.refresh_from_db()
    assert membership.role == "editor"


def test_revert_cannot_move_a_draft_or_a_briefing_to_another_organisation(cast):
    draft, briefing, org_b = cast.objects["draft"], cast.objects["briefing"], cast.objects["org_b"]
    client = site(cast, "editor_b")
    client.post(
        revert_url(draft),
        {
            "recommendation": draft.recommendation_id,
            "status": "fully_implemented",
            "assessed_on": "2014-01-01",
            "organisation": org_b.pk,
            "assessor_kind": "civil_society",
        },
    )
    client.post(revert_url(briefing), {"organisation": org_b.pk, "state": briefing.state_id, "introduction_en": "x"})
    assert ImplementationAssessment.objects.get(pk=draft.pk).organisation_id == cast.objects["org_a"].pk
    assert Briefing.objects.get(pk=briefing.pk).organisation_id == cast.objects["org_a"].pk


def test_revert_cannot_rename_another_organisation(cast):
    org_a = cast.objects["org_a"]
    site(cast, "editor_b").post(revert_url(org_a), {"name": "Renamed", "slug": "renamed", "kind": "civil_society"})
    assert Organisation.objects.get(pk=org_a.pk).name == "Defenders Watch"


def test_revert_cannot_change_evidence_cited_by_a_published_assessment(cast):
    evidence = cast.objects["public_evidence"]
    data = {"title": evidence.title, "kind": evidence.kind, "url": "https://attacker.example.org/"}
    site(cast, "editor_b").post(revert_url(evidence), data)
    assert EvidenceSource.objects.get(pk=evidence.pk).url == "https://www.hrw.org/wr2014"


# 2. Citing evidence by id --------------------------------------------------------------------------------


def new_assessment(cast, organisation: str, evidence_ids: list[int]) -> dict:
    return {
        "recommendation": cast.objects["recommendation"].pk,
        "status": "not_implemented",
        "assessed_on": "2015-01-01",
        "organisation": organisation,
        "citations": [{"evidence": pk} for pk in evidence_ids],
    }


def test_citing_another_organisations_evidence_by_id_is_refused_and_reveals_nothing(cast):
    private = cast.objects["private_evidence"]
    client = api(cast, "editor_b")
    before = ImplementationAssessment.objects.count()
    response = client.post(
        "/api/v1/assessments/", new_assessment(cast, "assembly-monitor", [private.pk]), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"citations": [{"evidence": [f'Invalid pk "{private.pk}" - object does not exist.']}]}
    }
    assert ImplementationAssessment.objects.count() == before
    assert client.get(f"/api/v1/evidence-sources/{private.pk}/").status_code == 404
    assert (
        site(cast, "editor_b").get(reverse("recommendations:evidence-document", args=[private.pk])).status_code == 404
    )


def test_an_account_without_organisation_cannot_list_private_titles_by_citing_ids(cast):
    ids = list(EvidenceSource.objects.values_list("pk", flat=True))
    before = ImplementationAssessment.objects.count()
    response = api(cast, "outsider").post(
        "/api/v1/assessments/", new_assessment(cast, "defenders-watch", ids), format="json"
    )
    assert response.status_code == 400
    assert "MARKER" not in response.content.decode()
    assert ImplementationAssessment.objects.count() == before


def test_admin_citation_and_bulk_forms_refuse_another_organisations_evidence(cast):
    private, recommendation = cast.objects["private_evidence"], cast.objects["recommendation"]
    b_assessment = services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2014, 1, 1),
        organisation=cast.objects["org_b"],
        state=Publication.DRAFT,
    )
    client = site(cast, "editor_b")
    client.post(reverse("admin:recommendations_citation_add"), {"assessment": b_assessment.pk, "evidence": private.pk})
    client.post(
        reverse("admin:recommendations_recommendation_changelist"),
        {
            "action": "record_assessment_action",
            "_selected_action": [recommendation.pk],
            "apply": "1",
            "status": "not_implemented",
            "assessed_on": "2014-01-01",
            "organisation": cast.objects["org_b"].pk,
            "evidence": [private.pk],
        },
    )
    assert list(Citation.objects.filter(evidence=private).values_list("assessment__organisation", flat=True)) == [
        cast.objects["org_a"].pk
    ]


def test_the_public_form_never_attaches_existing_evidence(cast):
    private = cast.objects["private_evidence"]
    url = reverse("recommendations:submit-assessment", args=[cast.objects["recommendation"].pk])
    data = submission_form_data(cast.objects["org_b"], evidence_url=private.url, evidence_title="Anything")
    assert site(cast, "editor_b").post(url, data).status_code == 200
    assert Citation.objects.filter(evidence=private).count() == 1
    submission = ImplementationAssessment.objects.get(submitter__startswith="Aigerim")
    assert submission.citations.get().evidence.title == "Anything"


def test_another_organisations_citation_does_not_lock_the_owner_out_of_its_evidence(cast):
    public = cast.objects["public_evidence"]
    created = api(cast, "editor_b").post(
        "/api/v1/assessments/", new_assessment(cast, "assembly-monitor", [public.pk]), format="json"
    )
    assert created.status_code == 201
    client = api(cast, "editor_a")
    etag = client.get(f"/api/v1/evidence-sources/{public.pk}/")["ETag"]
    response = client.patch(
        f"/api/v1/evidence-sources/{public.pk}/",
        {"title": "World Report 2014 (HRW)"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200


# 3. Uncited evidence -------------------------------------------------------------------------------------


def test_uncited_evidence_is_its_organisations_alone(cast):
    uncited = cast.objects["uncited_evidence"]
    download = reverse("recommendations:evidence-document", args=[uncited.pk])
    change = reverse("admin:recommendations_evidencesource_change", args=[uncited.pk])
    b = site(cast, "editor_b")
    assert api(cast, "editor_b").get(f"/api/v1/evidence-sources/{uncited.pk}/").status_code == 404
    assert b.get(download).status_code == 404
    assert "MARKER" not in body(b.get(change))
    b.post(change, {"title": "Renamed by B", "kind": "ngo_report", "opened_version": uncited.version})
    assert EvidenceSource.objects.get(pk=uncited.pk).title == "MARKER-uncited-title"
    assert site(cast, "editor_a").get(download).status_code == 200


# 4. Published means reviewed --------------------------------------------------------------------------------


def test_an_editors_change_to_a_published_assessment_waits_for_a_reviewer(cast):
    published = cast.objects["published"]
    cast.objects["revision"].delete()  # the cast's own proposal would make this one wait (409)
    client = api(cast, "editor_a")
    url = f"/api/v1/assessments/{published.pk}/"
    etag = client.get(url)["ETag"]
    response = client.patch(
        url, {"status": "fully_implemented", "assessed_on": "2016-05-01"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 202
    revision = ImplementationAssessment.objects.get(pk=response.json()["id"])
    assert (revision.state, revision.revision_of_id, revision.status) == (
        Publication.SUBMITTED,
        published.pk,
        "fully_implemented",
    )
    published.refresh_from_db()
    assert (published.status, published.state) == ("not_implemented", Publication.PUBLISHED)
    assert api(cast, "anonymous").get(f"/api/v1/recommendations/{published.recommendation_id}/").json()["status"] == (
        "not_implemented"
    )


def test_assessment_dates_after_today_are_refused_everywhere(cast):
    future = TOMORROW.isoformat()
    payload = new_assessment(cast, "defenders-watch", []) | {"assessed_on": future}
    response = api(cast, "editor_a").post("/api/v1/assessments/", payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["assessed_on"]
    form = reverse("recommendations:submit-assessment", args=[cast.objects["recommendation"].pk])
    assert (
        site(cast, "anonymous").post(form, submission_form_data(cast.objects["org_a"], assessed_on=future)).status_code
        == 400
    )
    assert not ImplementationAssessment.objects.filter(assessed_on=TOMORROW).exists()


# 9. Deletions feed ---------------------------------------------------------------------------------------


def test_the_deletions_feed_lists_only_objects_that_were_public(cast):
    draft, published = cast.objects["draft"], cast.objects["published"]
    services.delete_assessment(assessment=draft)
    services.delete_assessment(assessment=published)
    feed = api(cast, "anonymous").get("/api/v1/deletions/?kind=assessment").json()["results"]
    listed = [row["object_id"] for row in feed]
    assert listed == [published.pk]
    assert not DeletedObject.objects.filter(object_id=draft.pk, kind="assessment").exists()
