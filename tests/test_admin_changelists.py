"""Every admin changelist loads, and its query count does not grow with the rows shown."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations import services
from recommendations.models import EvidenceSource, Membership, Recommendation, Theme
from states.models import State

pytestmark = pytest.mark.django_db

MODEL_ADMINS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in {"states", "recommendations"}
)


def add_rows(review, organisation, user, count, offset=0):
    """`count` recommendations, each with a State, theme, position, assessment, citation and evidence."""
    themes = list(Theme.objects.filter(scheme__slug="upr-info")[:3])
    states = list(State.objects.all()[:3])
    for index in range(offset, offset + count):
        recommendation = Recommendation.objects.create(review=review, text=f"Recommendation number {index}")
        recommendation.recommending_states.set(states)
        recommendation.themes.set(themes)
        services.record_position(recommendation=recommendation, response="supported", source=f"Para. {index}")
        evidence = EvidenceSource.objects.create(title=f"Report {index}", url=f"https://example.org/{index}")
        services.record_assessment(
            recommendation=recommendation,
            status="not_implemented",
            assessed_on=datetime.date(2014, 1, 1),
            organisation=organisation,
            recorded_by=user,
            citations=[(evidence, "excerpt", str(index))],
        )


def changelist_queries(client, app_label, model_name):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("app_label", "model_name"), MODEL_ADMINS)
def test_changelist_query_count_is_independent_of_rows(
    client, staff_admin, review_kaz_2010, org_a, editor_a, app_label, model_name
):
    Membership.objects.create(user=staff_admin, organisation=org_a)
    client.force_login(staff_admin)
    add_rows(review_kaz_2010, org_a, editor_a, 2)
    few = changelist_queries(client, app_label, model_name)
    add_rows(review_kaz_2010, org_a, editor_a, 6, offset=2)
    assert changelist_queries(client, app_label, model_name) == few


def test_recommendation_changelist_query_count_is_pinned(
    client, staff_admin, review_kaz_2010, org_a, editor_a, django_assert_num_queries
):
    add_rows(review_kaz_2010, org_a, editor_a, 5)
    client.force_login(staff_admin)
    # session, user, count (filtered), count (total), page of rows with joins,
    # and one query per list_filter that lists values from the database
    # (State, cycle, session, theme), and whether the user has a two-factor device (once).
    with django_assert_num_queries(10):
        response = client.get(reverse("admin:recommendations_recommendation_changelist"))
    assert response.status_code == 200
    assert b"Recommendation number 4" in response.content
