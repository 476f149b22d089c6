"""Cached facet counts: each facet is kept under the filters it is computed with and the version of
what it reads, so a facet over every recommendation survives writes to tables it does not read.

These tests commit for real (transaction=True): data versions move when a writing transaction
commits (migration 0010). The response cache is off, to watch the counts' own cache.
"""

import datetime

import pytest
from django.core.cache import cache

from recommendations import services
from recommendations.models import Theme

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

URL = "/api/v1/recommendations/facets/"


@pytest.fixture(autouse=True)
def _counts_only(settings):
    settings.RESPONSE_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hrd(db):
    return Theme.objects.get(scheme__slug="upr-info", slug="human-rights-defenders")


@pytest.fixture
def recommendation(review_kaz_2010, make_recommendation, norway, hrd):
    made = make_recommendation(review_kaz_2010, states=[norway])
    made.themes.set([hrd])
    return made


def facets(client, query: str) -> dict:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.json()
    return response.json()["facets"]


def assess(recommendation, organisation) -> None:
    services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2015, 1, 1),
        organisation=organisation,
    )


def test_a_facet_over_everything_survives_writes_to_tables_it_does_not_read(
    api_client, recommendation, org_a, hrd, django_assert_num_queries
):
    facets(api_client, "facet=theme&facet=status")
    assess(recommendation, org_a)  # writes recommendations and assessments, not theme links
    # data version, then the status facet again; the theme facet from the cache
    with django_assert_num_queries(2):
        found = facets(api_client, "facet=theme&facet=status")
    assert found["status"] == [{"value": "not_implemented", "label": "Not implemented", "count": 1}]
    women = Theme.objects.get(scheme__slug="upr-info", slug="womens-rights")
    recommendation.themes.add(women)  # a theme link: the theme facet is computed again
    # data version, then the theme facet alone: over every recommendation the status facet reads only the
    # recommendations (facets.unfiltered_reads), which a theme link leaves alone
    with django_assert_num_queries(2):
        found = facets(api_client, "facet=theme&facet=status")
    assert {item["value"] for item in found["theme"]} == {"upr-info:human-rights-defenders", "upr-info:womens-rights"}


def test_a_renamed_theme_is_relabelled(api_client, recommendation, hrd):
    facets(api_client, "facet=theme")
    Theme.objects.filter(pk=hrd.pk).update(name="Defenders")
    assert facets(api_client, "facet=theme")["theme"][0]["label"] == "Defenders"


def test_a_facet_under_filters_is_computed_again_after_any_write(
    api_client, recommendation, org_a, django_assert_num_queries
):
    facets(api_client, "facet=theme&state_under_review=KAZ")
    assess(recommendation, org_a)  # could change which recommendations a filter selects
    # data version, the reference tables read again (held under the whole version, lookups.py), the theme facet
    with django_assert_num_queries(3):
        facets(api_client, "facet=theme&state_under_review=KAZ")


def test_a_facet_is_shared_by_filter_sets_that_differ_only_in_its_own_filter(
    api_client, recommendation, django_assert_num_queries
):
    facets(api_client, "facet=response")
    # The response facet ignores the response filter: same entry. Data version only.
    with django_assert_num_queries(1):
        facets(api_client, "facet=response&response=noted")
