"""Deleting in the admin goes through the services, so partners syncing see tombstones."""

import datetime

import pytest
from django.urls import reverse

from recommendations import services
from recommendations.models import DeletedObject, EvidenceSource, Recommendation

pytestmark = pytest.mark.django_db


def test_deleting_a_recommendation_in_the_admin_leaves_a_tombstone(
    client, staff_admin, review_kaz_2010, make_recommendation
):
    recommendation = make_recommendation(review_kaz_2010)
    client.force_login(staff_admin)
    url = reverse("admin:recommendations_recommendation_delete", args=[recommendation.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Recommendation.objects.filter(pk=recommendation.pk).exists()
    assert DeletedObject.objects.filter(kind="recommendation", object_id=recommendation.pk).exists()


def test_bulk_deleting_evidence_in_the_admin_leaves_tombstones_of_what_was_public(
    client, staff_admin, org_a, review_kaz_2010, make_recommendation
):
    public, private = [
        EvidenceSource.objects.create(title=f"Report {n}", url=f"https://example.org/{n}", organisation=org_a)
        for n in range(2)
    ]
    # Once cited by a published assessment (partners may have copied it), then no longer cited.
    cited = services.record_assessment(
        recommendation=make_recommendation(review_kaz_2010),
        status="not_implemented",
        assessed_on=datetime.date(2013, 1, 1),
        organisation=org_a,
        citations=[(public, "", "")],
    )
    services.delete_assessment(assessment=cited)
    client.force_login(staff_admin)
    response = client.post(
        reverse("admin:recommendations_evidencesource_changelist"),
        {"action": "delete_selected", "_selected_action": [public.pk, private.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not EvidenceSource.objects.exists()
    assert list(DeletedObject.objects.filter(kind="evidence_source").values_list("object_id", flat=True)) == [public.pk]
