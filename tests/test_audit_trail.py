"""Every write is audited with who made it: reference data in the admin, assessments through the API."""

import datetime

import pytest
from django.urls import reverse

from recommendations import services
from recommendations.models import ImplementationAssessment, Theme
from states.models import State, StateAlias
from tests.recommendations.conftest import if_match

pytestmark = pytest.mark.django_db


def test_staff_admin_change_of_a_state_alias_is_recorded_and_restorable(client, staff_admin, kazakhstan):
    alias = StateAlias.objects.filter(state=kazakhstan).first() or StateAlias.objects.create(
        state=kazakhstan, alias="Kazakstan"
    )
    original = alias.alias
    client.force_login(staff_admin)
    url = reverse("admin:states_statealias_change", args=[alias.pk])
    assert client.post(url, {"alias": "Qazaqstan", "state": kazakhstan.pk}).status_code == 302
    latest = alias.history.order_by("-history_id").first()
    assert (latest.alias, latest.history_user, latest.history_type) == ("Qazaqstan", staff_admin, "~")
    first = alias.history.order_by("history_id").first()
    revert = reverse("admin:states_statealias_simple_history", args=[alias.pk, first.history_id])
    assert client.post(revert, {"alias": original, "state": kazakhstan.pk}).status_code == 302
    alias.refresh_from_db()
    assert alias.alias == original


def test_editors_read_reference_data_but_cannot_change_it(client, editor_a, kazakhstan):
    client.force_login(editor_a)
    url = reverse("admin:states_state_change", args=[kazakhstan.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Renamed"}).status_code == 403
    assert State.objects.get(pk=kazakhstan.pk).name == "Kazakhstan"
    assert client.get(reverse("admin:recommendations_theme_add")).status_code == 403
    assert Theme.history.filter(history_user=editor_a).count() == 0


def test_api_write_is_recorded_with_the_tokens_account(
    token_client_a, partner_a, review_kaz_2010, make_recommendation, org_a
):
    assessment = services.record_assessment(
        recommendation=make_recommendation(review_kaz_2010),
        status="not_implemented",
        assessed_on=datetime.date(2013, 1, 1),
        organisation=org_a,
        state="draft",
    )
    response = token_client_a.patch(
        f"/api/v1/assessments/{assessment.pk}/", {"narrative": "Update"}, format="json", **if_match(assessment)
    )
    assert response.status_code == 200
    latest, first = ImplementationAssessment.history.filter(id=assessment.pk).order_by("-history_id")[:2]
    assert latest.history_user == partner_a
    assert [change.field for change in latest.diff_against(first).changes] == ["narrative"]


def test_deleting_an_assessment_leaves_a_history_row(client, editor_a, review_kaz_2010, make_recommendation, org_a):
    assessment = services.record_assessment(
        recommendation=make_recommendation(review_kaz_2010),
        status="not_implemented",
        assessed_on=datetime.date(2013, 1, 1),
        organisation=org_a,
        state="draft",
    )
    client.force_login(editor_a)
    url = reverse("admin:recommendations_implementationassessment_delete", args=[assessment.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    deleted = ImplementationAssessment.history.filter(id=assessment.pk).latest("history_id")
    assert (deleted.history_type, deleted.history_user) == ("-", editor_a)
