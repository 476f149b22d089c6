"""Facet counts: every filter applies except the facet's own; one GROUP BY query per facet."""

import datetime

import pytest
from django.utils import timezone

from recommendations import services
from recommendations.models import Recommendation, Theme
from states.models import State

pytestmark = pytest.mark.django_db

URL = "/api/v1/recommendations/facets/"


@pytest.fixture
def data(review_kaz_2010, review_fra_2008, make_recommendation, org_a):
    norway, france, egypt = (State.objects.get(iso3=c) for c in ("NOR", "FRA", "EGY"))
    hrd = Theme.objects.get(scheme__slug="upr-info", slug="human-rights-defenders")
    women = Theme.objects.get(scheme__slug="upr-info", slug="womens-rights")

    def make(review, states, response, themes, status=""):
        recommendation = make_recommendation(review, states=states)
        recommendation.themes.set(themes)
        services.record_position(recommendation=recommendation, response=response)
        if status:
            services.record_assessment(
                recommendation=recommendation, status=status, assessed_on=datetime.date(2015, 1, 1), organisation=org_a
            )
        return recommendation

    make(review_kaz_2010, [norway, france], "supported", [hrd, women], "not_implemented")
    make(review_kaz_2010, [norway], "supported", [hrd])
    make(review_kaz_2010, [egypt], "noted", [women], "fully_implemented")
    make(review_fra_2008, [norway, egypt], "supported", [hrd])
    make(review_fra_2008, [egypt], "noted", [])


def facets(client, query: str) -> dict:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.json()
    return response.json()["facets"]


def test_counts_per_value_sorted_by_count(api_client, data):
    assert facets(api_client, "facet=response&facet=theme&facet=status") == {
        "response": [
            {"value": "supported", "label": "Supported", "count": 3},
            {"value": "noted", "label": "Noted", "count": 2},
        ],
        "theme": [
            {"value": "upr-info:human-rights-defenders", "label": "Human rights defenders", "count": 3},
            {"value": "upr-info:womens-rights", "label": "Women's rights", "count": 2},
        ],
        "status": [
            {"value": "none", "label": "Not assessed", "count": 3},
            {"value": "fully_implemented", "label": "Fully implemented", "count": 1},
            {"value": "not_implemented", "label": "Not implemented", "count": 1},
        ],
    }


def test_a_facet_ignores_its_own_filter_but_not_the_others(api_client, data):
    result = facets(api_client, "facet=response&facet=state_under_review&response=noted&state_under_review=KAZ")
    # response counts: KAZ only (the other filter), every response (its own filter ignored).
    assert result["response"] == [
        {"value": "supported", "label": "Supported", "count": 2},
        {"value": "noted", "label": "Noted", "count": 1},
    ]
    # State counts: noted only, every State.
    assert result["state_under_review"] == [
        {"value": "FRA", "label": "France", "count": 1},
        {"value": "KAZ", "label": "Kazakhstan", "count": 1},
    ]


def test_many_to_many_facets_count_each_recommendation_once(api_client, data):
    result = facets(api_client, "facet=recommending_regional_group&facet=bloc&facet=recommending_state")
    # Norway and France are both WEOG: the first recommendation counts once for WEOG.
    assert result["recommending_regional_group"] == [
        {"value": "AFRICAN", "label": "African States", "count": 3},
        {"value": "WEOG", "label": "Western European and other States", "count": 3},
    ]
    # France and Egypt are both in the OIF: counted once where both recommend.
    assert {"value": "OIF", "label": "Organisation internationale de la Francophonie", "count": 4} in result["bloc"]
    assert result["recommending_state"] == [
        {"value": "EGY", "label": "Egypt", "count": 3},
        {"value": "NOR", "label": "Norway", "count": 3},
        {"value": "FRA", "label": "France", "count": 1},
    ]


def test_session_cycle_and_year_facets(api_client, data):
    result = facets(api_client, "facet=session&facet=cycle&facet=year")
    assert result == {
        "session": [
            {"value": "7", "label": "7th session (2010)", "count": 3},
            {"value": "2", "label": "2nd session (2008)", "count": 2},
        ],
        "cycle": [{"value": "1", "label": "Cycle 1", "count": 5}],
        "year": [{"value": "2010", "label": "2010", "count": 3}, {"value": "2008", "label": "2008", "count": 2}],
    }


def test_facets_cost_the_same_queries_whatever_the_facets_and_filters(api_client, data, django_assert_num_queries):
    # 1 data version (core/counts.py), 1 reference tables for the state_under_review filter's code (read
    # because this test's transaction has written), then the count index with this transaction's own
    # changes (search/index/store.py): 1 for the ids it changed, 5 COPY reads of their rows and links.
    # The counts themselves are bitmap intersections: no query per facet.
    with django_assert_num_queries(8):
        response = api_client.get(f"{URL}?facet=theme&facet=response&facet=bloc&state_under_review=KAZ")
    assert set(response.json()["facets"]) == {"theme", "response", "bloc"}
    # The same transaction, nothing written since: its view of the index is kept (store.py), so 1 for its
    # changes' log and no COPY.
    with django_assert_num_queries(3):
        response = api_client.get(
            f"{URL}?facet=theme&facet=response&facet=state_under_review&facet=sdg&facet=cycle"
            "&state_under_review=KAZ&response=supported&cycle=1"
        )
    # Each facet under the other filters: States under review with a supported cycle 1 recommendation.
    assert {item["value"] for item in response.json()["facets"]["state_under_review"]} == {"FRA", "KAZ"}


# Real commits: the data version moves when a writing transaction commits (migration 0010).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_facet_counts_follow_a_committed_write(api_client, data, django_assert_num_queries, settings):
    settings.RESPONSE_CACHE_SECONDS = 0  # the counts, not the whole answer from the response cache
    url = f"{URL}?facet=response&state_under_review=KAZ"
    first = api_client.get(url).json()
    # The same filters again: 1 data version; the reference tables and the count index this process holds.
    with django_assert_num_queries(1):
        assert api_client.get(url).json() == first
    recommendation = Recommendation.objects.filter(review__state__iso3="KAZ").first()
    Recommendation.objects.filter(pk=recommendation.pk).update(response="pending", updated_at=timezone.now())
    # A write: data version, the reference tables read again (held under the whole version, lookups.py);
    # the index reads the one changed row on its own connection (not counted here).
    with django_assert_num_queries(2):
        counts = api_client.get(url).json()["facets"]["response"]
    assert {"value": "pending", "label": "Pending", "count": 1} in counts
    assert sum(item["count"] for item in counts) == sum(item["count"] for item in first["facets"]["response"])


def test_unknown_facet_is_a_400(api_client, data):
    response = api_client.get(f"{URL}?facet=colour&facet=theme")
    assert response.status_code == 400
    names = (
        "state_under_review, recommending_state, regional_group, recommending_regional_group, bloc, cycle, "
        "session, year, response, action_category, kind, theme, affected_group, sdg, status"
    )
    assert response.json() == {"errors": {"facet": [f"Unknown facet: colour. Choose from: {names}."]}}


def test_facet_errors_and_filter_errors_come_together(api_client, db):
    response = api_client.get(f"{URL}?state_under_review=XYZ")
    assert response.status_code == 400
    body = response.json()["errors"]
    assert body["state_under_review"] == ["Unknown ISO3 code: XYZ."]
    assert body["facet"][0].startswith("Name at least one facet: state_under_review, ")
