"""Incremental sync: what changed since T (updated_since) and what was deleted since T (deletions)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from recommendations import services
from recommendations.models import DeletedObject, EvidenceSource, Recommendation

pytestmark = pytest.mark.django_db


def db_now() -> datetime.datetime:
    """The database clock at the start of the transaction: each test runs in one, like a write would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


@pytest.fixture
def recommendations(review_kaz_2010, make_recommendation):
    return [make_recommendation(review_kaz_2010, f"Recommendation {index}") for index in range(3)]


def test_sync_sees_deleted_recommendations_and_their_assessments(api_client, recommendations, org_a):
    doomed = recommendations[0]
    assessment = services.record_assessment(
        recommendation=doomed, status="not_implemented", assessed_on=datetime.date(2014, 1, 1), organisation=org_a
    )
    before = db_now()
    assert services.delete_recommendations(Recommendation.objects.filter(pk=doomed.pk)) == 1
    body = api_client.get("/api/v1/deletions/", {"since": before.isoformat()}).json()
    assert [(row["kind"], row["object_id"]) for row in body["results"]] == [
        ("assessment", assessment.pk),
        ("recommendation", doomed.pk),
    ]
    assert body["results"][0]["deleted_at"] >= before.isoformat().replace("+00:00", "Z")
    assert not Recommendation.objects.filter(pk=doomed.pk).exists()


def test_deletions_before_since_are_left_out(api_client, recommendations):
    services.delete_recommendations([recommendations[0]])
    DeletedObject.objects.update(deleted_at=timezone.now() - datetime.timedelta(days=2))
    services.delete_recommendations([recommendations[1]])
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    body = api_client.get("/api/v1/deletions/", {"since": since, "kind": "recommendation"}).json()
    assert [row["object_id"] for row in body["results"]] == [recommendations[1].pk]


def test_deletions_filter_by_kind(api_client, recommendations, org_a):
    evidence = EvidenceSource.objects.create(title="Gone", organisation=org_a)
    services.record_assessment(
        recommendation=recommendations[0],
        status="not_implemented",
        assessed_on=datetime.date(2014, 1, 1),
        organisation=org_a,
        citations=[(evidence, "", "")],
    )
    services.delete_recommendations([recommendations[0]])
    services.delete_evidence_source(evidence=evidence)  # public once: cited by a published assessment
    kinds = [row["kind"] for row in api_client.get("/api/v1/deletions/?kind=evidence_source").json()["results"]]
    assert kinds == ["evidence_source"]


def test_deleting_assessments_in_bulk_leaves_a_tombstone_each(recommendations, org_a):
    made = [
        services.record_assessment(
            recommendation=r, status="not_implemented", assessed_on=datetime.date(2014, 1, 1), organisation=org_a
        )
        for r in recommendations
    ]
    services.delete_assessments(made[:2])
    assert sorted(DeletedObject.objects.values_list("kind", "object_id")) == [
        ("assessment", made[0].pk),
        ("assessment", made[1].pk),
    ]


def test_changes_since_t_include_a_status_change(api_client, recommendations, org_a):
    Recommendation.objects.update(updated_at=timezone.now() - datetime.timedelta(days=3))
    since = db_now()
    services.record_assessment(
        recommendation=recommendations[2],
        status="fully_implemented",
        assessed_on=datetime.date(2019, 1, 1),
        organisation=org_a,
    )
    body = api_client.get("/api/v1/recommendations/", {"updated_since": since.isoformat()}).json()
    assert [(row["id"], row["status"]) for row in body["results"]] == [(recommendations[2].pk, "fully_implemented")]


def test_assessments_sync_by_updated_since(api_client, recommendations, org_a):
    old = services.record_assessment(
        recommendation=recommendations[0],
        status="not_implemented",
        assessed_on=datetime.date(2014, 1, 1),
        organisation=org_a,
    )
    old.__class__.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    since = db_now()
    new = services.record_assessment(
        recommendation=recommendations[1],
        status="not_implemented",
        assessed_on=datetime.date(2014, 1, 1),
        organisation=org_a,
    )
    body = api_client.get("/api/v1/assessments/", {"updated_since": since.isoformat()}).json()
    assert [row["id"] for row in body["results"]] == [new.pk]


def test_bad_since_is_a_400(api_client, db):
    response = api_client.get("/api/v1/deletions/", {"since": "last week", "kind": "review"})
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "since": ["Enter an ISO 8601 date and time, e.g. 2024-05-01T00:00:00Z."],
            "kind": ["Unknown kind: review. Choose from: recommendation, assessment, evidence_source."],
        }
    }
