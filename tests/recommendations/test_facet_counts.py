"""The count index (recommendations/search/index/): facet counts and totals stay exact under every write.

Most tests here commit for real (transaction=True): the process's index catches up with committed writes
through the change log (migration 0032), read on its own connection. The response cache is off, to watch
the counts themselves.
"""

import datetime
import io
import random

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.http import QueryDict

from recommendations import services
from recommendations.models import Recommendation, Theme
from recommendations.search.facets import FACETS, facet_counts
from recommendations.search.filters import RecommendationFilterSet
from recommendations.search.index import store
from recommendations.search.index.counting import Search

committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)

URL = "/api/v1/recommendations/facets/"
LIST = "/api/v1/recommendations/"


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
    made = make_recommendation(review_kaz_2010, states=[norway], text="Protect human rights defenders")
    made.themes.set([hrd])
    return made


def facets(client, query: str) -> dict:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.json()
    return response.json()["facets"]


def total(client, query: str) -> int:
    return client.get(f"{LIST}?{query}&include_total=true").json()["total"]


def assess(recommendation, organisation) -> None:
    services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2015, 1, 1),
        organisation=organisation,
    )


@committed
def test_publishing_an_assessment_moves_its_recommendation_between_two_statuses(
    api_client, recommendation, make_recommendation, review_kaz_2010, norway, org_a
):
    make_recommendation(review_kaz_2010, states=[norway], text="Abolish the death penalty")
    assert facets(api_client, "facet=status")["status"] == [{"value": "none", "label": "Not assessed", "count": 2}]
    assess(recommendation, org_a)
    assert facets(api_client, "facet=status")["status"] == [
        {"value": "none", "label": "Not assessed", "count": 1},
        {"value": "not_implemented", "label": "Not implemented", "count": 1},
    ]
    assert total(api_client, "status=not_implemented") == 1


@committed
def test_links_added_and_removed_are_counted(api_client, recommendation, hrd):
    women = Theme.objects.get(scheme__slug="upr-info", slug="womens-rights")
    assert [item["value"] for item in facets(api_client, "facet=theme")["theme"]] == ["upr-info:human-rights-defenders"]
    recommendation.themes.add(women)
    assert {item["value"] for item in facets(api_client, "facet=theme")["theme"]} == {
        "upr-info:human-rights-defenders",
        "upr-info:womens-rights",
    }
    recommendation.themes.remove(hrd)
    assert [item["value"] for item in facets(api_client, "facet=theme")["theme"]] == ["upr-info:womens-rights"]
    assert total(api_client, "theme=upr-info:human-rights-defenders") == 0


@committed
def test_new_and_deleted_recommendations_are_counted(api_client, recommendation, make_recommendation, review_kaz_2010):
    assert total(api_client, "state_under_review=KAZ") == 1
    later = make_recommendation(review_kaz_2010, states=[], text="Ratify the Optional Protocol")
    assert total(api_client, "state_under_review=KAZ") == 2
    Recommendation.objects.filter(pk=later.pk).delete()
    recommendation.delete()
    assert total(api_client, "state_under_review=KAZ") == 0
    assert facets(api_client, "facet=state_under_review")["state_under_review"] == []


@committed
def test_search_words_follow_a_changed_text(api_client, recommendation):
    assert total(api_client, "q=defenders") == 1
    Recommendation.objects.filter(pk=recommendation.pk).update(text="Abolish the death penalty")
    assert total(api_client, "q=defenders") == 0
    assert total(api_client, "q=penalty") == 1


@committed
def test_a_renamed_theme_is_relabelled(api_client, recommendation, hrd):
    facets(api_client, "facet=theme")
    Theme.objects.filter(pk=hrd.pk).update(name="Defenders")
    assert facets(api_client, "facet=theme")["theme"][0]["label"] == "Defenders"


@committed
def test_a_transaction_sees_its_own_writes_and_nobody_else_does(api_client, recommendation):
    assert total(api_client, "response=pending") == 0
    with transaction.atomic():
        Recommendation.objects.filter(pk=recommendation.pk).update(response="pending")
        assert total(api_client, "response=pending") == 1  # the test client's request shares the connection
        snapshot = store.STORE.snapshot  # the process's index: committed data only
        assert not snapshot.of("response", "pending")
        transaction.set_rollback(True)
    assert total(api_client, "response=pending") == 0


@committed
def test_a_process_behind_the_purged_log_reads_everything_again(api_client, recommendation, hrd):
    assert total(api_client, "theme=upr-info:human-rights-defenders") == 1
    recommendation.themes.clear()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE recommendations_indexchange SET changed_at = now() - interval '2 hours'")
    store.purge()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM recommendations_indexchange), below FROM recommendations_indexpurge"
        )
        left, below = cursor.fetchone()
    assert left == 0 and below > store.STORE.horizon
    assert total(api_client, "theme=upr-info:human-rights-defenders") == 0


def test_counts_equal_count_star_for_random_filter_combinations(db):
    """2,000 generated recommendations (this transaction's: read as it sees them), 60 combinations of filters
    drawn from the values in use: every facet's every count and every total equals the COUNT(*) of the same
    FilterSet's queryset with the value's filter added."""
    facet_counts(_valid(""), ["status"])  # the process's index, read before the generator locks the tables
    call_command("generate_synthetic", "--recommendations=2000", "--no-progress", "--seed=3", stdout=io.StringIO())
    rng = random.Random(18)
    whole = facet_counts(_valid(""), list(FACETS))
    values = {name: [item["value"] for item in items] for name, items in whole.items() if items}
    values["q"] = ["rights", "women OR children", "torture -prison", '"freedom of expression"']
    for _draw in range(60):
        chosen = rng.sample(sorted(values), rng.choice((1, 2, 3)))
        query = QueryDict(mutable=True)
        for name in chosen:
            query.setlist(name, rng.sample(values[name], min(len(values[name]), rng.choice((1, 2)))))
        filterset = _valid(query.urlencode())
        assert Search(filterset).total() == filterset.qs.count(), query.urlencode()
        name = rng.choice([name for name in FACETS if name in values])
        for item in facet_counts(filterset, [name])[name][:5]:
            narrowed = query.copy()
            narrowed.setlist(name, [item["value"]])
            assert item["count"] == _valid(narrowed.urlencode()).qs.count(), (narrowed.urlencode(), item)


def _valid(query: str) -> RecommendationFilterSet:
    filterset = RecommendationFilterSet(QueryDict(query), queryset=Recommendation.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset
