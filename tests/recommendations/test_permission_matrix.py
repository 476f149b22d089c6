"""Who may view, add, change and delete organisation A's published assessment, its citation and its evidence,
in the admin and in the API: anonymous, a reviewer of A, an editor of B, a staff administrator; in the API
also a staff administrator's token, which acts for no organisation and not as an administrator.

A readable summary of the rules for one published assessment; tests/security/test_authorization_suite.py
checks every URL against every kind of user, and tests/security/test_findings.py the editor's revisions."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from recommendations import services
from recommendations.models import Citation, EvidenceSource, ImplementationAssessment
from tests.recommendations.conftest import if_match

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "reviewer_a", "editor_b", "staff_admin"]
ALLOWED = {"anonymous": False, "reviewer_a": True, "editor_b": False, "staff_admin": True}


@pytest.fixture
def world(review_kaz_2010, make_recommendation, org_a, org_b, reviewer_a, editor_b, staff_admin):
    recommendation = make_recommendation(review_kaz_2010)
    evidence = EvidenceSource.objects.create(
        title="World Report 2014", url="https://www.hrw.org/wr2014", organisation=org_a
    )
    assessment = services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2013, 1, 1),
        organisation=org_a,
        citations=[(evidence, "Defenders were jailed.", "12")],
    )
    users = {"anonymous": None, "reviewer_a": reviewer_a, "editor_b": editor_b, "staff_admin": staff_admin}
    return {
        "recommendation": recommendation,
        "assessment": assessment,
        "citation": assessment.citations.get(),
        "evidence": evidence,
        "org_a": org_a,
        "users": users,
    }


def admin_client(world, actor) -> Client:
    client = Client()
    if world["users"][actor]:
        client.force_login(world["users"][actor])
    return client


def admin_url(obj, action="change") -> str:
    return reverse(f"admin:recommendations_{obj._meta.model_name}_{action}", args=[obj.pk])


def assessment_post(world, **changes) -> dict:
    a = world["assessment"]
    return {
        "recommendation": a.recommendation_id,
        "status": a.status,
        "assessed_on": "2013-01-01",
        "organisation": a.organisation_id,
        "assessor_kind": "civil_society",
        "narrative": "",
        "submitter": "",
        "opened_version": a.version,
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        **changes,
    }


def citation_post(world, **changes) -> dict:
    c = world["citation"]
    return {"assessment": c.assessment_id, "evidence": c.evidence_id, "excerpt": c.excerpt, "page": c.page, **changes}


def evidence_post(world, **changes) -> dict:
    e = world["evidence"]
    return {
        "title": e.title,
        "publisher": "",
        "kind": e.kind,
        "url": e.url,
        "archive_url": "",
        "document_symbol": "",
    } | changes


POSTS = {
    "assessment": (assessment_post, {"narrative": "Changed"}, lambda o: o.narrative == "Changed"),
    "citation": (citation_post, {"excerpt": "Changed"}, lambda o: o.excerpt == "Changed"),
    "evidence": (evidence_post, {"title": "Changed"}, lambda o: o.title == "Changed"),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("kind", ["assessment", "citation", "evidence"])
def test_admin_view(world, actor, kind):
    response = admin_client(world, actor).get(admin_url(world[kind]))
    assert response.status_code == (302 if actor == "anonymous" else 200)
    if actor != "anonymous":
        assert response.context["has_change_permission"] is ALLOWED[actor]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("kind", ["assessment", "citation", "evidence"])
def test_admin_change(world, actor, kind):
    build, changes, changed = POSTS[kind]
    response = admin_client(world, actor).post(admin_url(world[kind]), build(world, **changes))
    obj = type(world[kind]).objects.get(pk=world[kind].pk)
    assert changed(obj) is ALLOWED[actor], getattr(response, "context", None) and response.context.get("errors")
    assert response.status_code == (302 if actor in {"anonymous", "reviewer_a", "staff_admin"} else 403)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("kind", ["assessment", "citation", "evidence"])
def test_admin_delete(world, actor, kind):
    obj = world[kind]
    if kind == "evidence":  # cited evidence is protected: delete it once its citation is gone
        Citation.objects.all().delete()
    response = admin_client(world, actor).post(admin_url(obj, "delete"), {"post": "yes"})
    exists = type(obj).objects.filter(pk=obj.pk).exists()
    # Uncited evidence is its organisation's alone: B does not even see it.
    assert exists is not ALLOWED[actor]
    # Refused: 403 for what B sees; what B does not see (uncited evidence), the admin says does not exist.
    assert response.status_code in ({302} if ALLOWED[actor] or actor == "anonymous" else {302, 403})


@pytest.mark.parametrize("actor", ACTORS)
def test_admin_add_assessment_for_organisation_a(world, actor):
    client = admin_client(world, actor)
    before = ImplementationAssessment.objects.count()
    client.post(reverse("admin:recommendations_implementationassessment_add"), assessment_post(world))
    assert (ImplementationAssessment.objects.count() == before + 1) is ALLOWED[actor]


@pytest.mark.parametrize("actor", ACTORS)
def test_admin_add_citation_to_a_assessment(world, actor):
    other = EvidenceSource.objects.create(
        title="Another report", url="https://example.org/r", organisation=world["org_a"]
    )
    admin_client(world, actor).post(
        reverse("admin:recommendations_citation_add"), citation_post(world, evidence=other.pk, page="1")
    )
    assert Citation.objects.filter(evidence=other).exists() is ALLOWED[actor]


@pytest.mark.parametrize("actor", ACTORS)
def test_admin_add_evidence_for_organisation_a(world, actor):
    admin_client(world, actor).post(
        reverse("admin:recommendations_evidencesource_add"),
        evidence_post(world, url="https://example.org/new", organisation=world["org_a"].pk),
    )
    # Members add evidence for their own organisation only.
    assert EvidenceSource.objects.filter(url="https://example.org/new").exists() is ALLOWED[actor]


# API -------------------------------------------------------------------------------------------


API_ACTORS = [*ACTORS, "staff_admin_token"]


def api_client(world, actor):
    """Editors with a token of their organisation; the staff administrator signed in (the admin's session),
    or with a token of no organisation (an administrator's token never acts as an administrator)."""
    from rest_framework.test import APIClient

    from tests.conftest import _token_client

    if actor == "staff_admin":
        client = APIClient()
        client.force_login(world["users"][actor])
        return client
    if actor == "staff_admin_token":
        return _token_client(world["users"]["staff_admin"])
    user = world["users"][actor]
    return _token_client(user, user.memberships.get().organisation) if user else APIClient()


API_DENIED = {"anonymous": 401, "editor_b": 403, "staff_admin_token": 403}
API_ALLOWED = {**ALLOWED, "staff_admin_token": False}


@pytest.mark.parametrize("actor", API_ACTORS)
def test_api_view_published_assessment_and_its_evidence(world, actor):
    client = api_client(world, actor)
    assert client.get(f"/api/v1/assessments/{world['assessment'].pk}/").status_code == 200
    assert client.get(f"/api/v1/evidence-sources/{world['evidence'].pk}/").status_code == 200


@pytest.mark.parametrize("actor", API_ACTORS)
def test_api_add_assessment_for_a(world, actor, api_client_cache_clear):
    payload = {
        "recommendation": world["recommendation"].pk,
        "status": "fully_implemented",
        "assessed_on": "2016-01-01",
        "organisation": "defenders-watch",
        "citations": [{"evidence": world["evidence"].pk, "page": "3"}],
    }
    response = api_client(world, actor).post("/api/v1/assessments/", payload, format="json")
    expected = {"anonymous": 401, "reviewer_a": 201, "editor_b": 201, "staff_admin": 201, "staff_admin_token": 201}
    assert response.status_code == expected[actor]
    if response.status_code == 201:
        # Members write drafts; anyone else only submits to A's moderation queue.
        assert response.json()["state"] == ("draft" if API_ALLOWED[actor] else "submitted")


@pytest.mark.parametrize("actor", API_ACTORS)
def test_api_change_a_assessment_and_its_citations(world, actor, api_client_cache_clear):
    url = f"/api/v1/assessments/{world['assessment'].pk}/"
    response = api_client(world, actor).patch(
        url,
        {"narrative": "Changed", "citations": [{"evidence": world["evidence"].pk, "excerpt": "New"}]},
        format="json",
        **if_match(world["assessment"]),
    )
    assert response.status_code == API_DENIED.get(actor, 200)
    world["assessment"].refresh_from_db()
    assert (world["assessment"].narrative == "Changed") is API_ALLOWED[actor]
    assert Citation.objects.filter(excerpt="New").exists() is API_ALLOWED[actor]


@pytest.mark.parametrize("actor", API_ACTORS)
def test_api_delete_a_assessment(world, actor, api_client_cache_clear):
    assessment = world["assessment"]
    response = api_client(world, actor).delete(f"/api/v1/assessments/{assessment.pk}/", **if_match(assessment))
    assert response.status_code == API_DENIED.get(actor, 204)
    assert ImplementationAssessment.objects.filter(pk=assessment.pk).exists() is not API_ALLOWED[actor]


@pytest.mark.parametrize("actor", API_ACTORS)
def test_api_change_evidence_cited_by_a(world, actor, api_client_cache_clear):
    url = f"/api/v1/evidence-sources/{world['evidence'].pk}/"
    response = api_client(world, actor).patch(url, {"title": "Changed"}, format="json", **if_match(world["evidence"]))
    assert response.status_code == API_DENIED.get(actor, 200)


@pytest.mark.parametrize("actor", API_ACTORS)
def test_api_add_evidence_for_a(world, actor, api_client_cache_clear):
    payload = {"title": "New", "source_url": "https://example.org/n", "organisation": "defenders-watch"}
    response = api_client(world, actor).post("/api/v1/evidence-sources/", payload, format="json")
    # B may not add a source to A's library (A is not among the organisations it may name); a token of no
    # organisation adds none at all.
    expected = {"anonymous": 401, "editor_b": 400, "staff_admin_token": 403}
    assert response.status_code == expected.get(actor, 201)


@pytest.mark.parametrize("actor", API_ACTORS)
def test_api_delete_evidence_cited_by_a(world, actor, api_client_cache_clear):
    evidence = world["evidence"]
    response = api_client(world, actor).delete(f"/api/v1/evidence-sources/{evidence.pk}/", **if_match(evidence))
    # Those who may change it hear that it is still cited.
    assert response.status_code == API_DENIED.get(actor, 409)


@pytest.fixture
def api_client_cache_clear(db):
    from django.core.cache import cache

    cache.clear()
