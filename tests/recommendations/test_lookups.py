"""The reference tables held in each process (recommendations/search/lookups.py): read once, read again after any
write to them, never stale.

These tests commit for real (transaction=True): the data version moves when a writing transaction commits
(migration 0010), which a test wrapped in one transaction never does.
"""

import pytest
from django.db import transaction

from recommendations.models import Theme
from recommendations.search import lookups
from states.models import State

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LIST = "/api/v1/recommendations/?state_under_review=KAZ&theme=womens-rights"


@pytest.fixture
def recommendation(review_kaz_2010, make_recommendation, norway):
    made = make_recommendation(review_kaz_2010, "Protect women's rights", states=[norway])
    made.themes.set(Theme.objects.filter(scheme__slug="upr-info", slug="womens-rights"))
    return made


@pytest.fixture
def uncached(settings):
    settings.RESPONSE_CACHE_SECONDS = 0  # every answer built: what the reference tables save shows


def test_unchanged_reference_tables_cost_no_query(api_client, recommendation, uncached, django_assert_num_queries):
    api_client.get(LIST)
    # data version, page of ids, representations: the ISO3 code, the theme slug and every label come
    # from the reference tables this process read for the first request.
    with django_assert_num_queries(3):
        body = api_client.get(LIST).json()
    assert [row["state_under_review"]["name"] for row in body["results"]] == ["Kazakhstan"]


def test_a_renamed_state_shows_on_the_next_request(api_client, recommendation, uncached, django_assert_num_queries):
    api_client.get(LIST)
    State.objects.filter(iso3="NOR").update(name="Kingdom of Norway")
    # data version (moved), reference tables read again, page of ids, representations
    with django_assert_num_queries(4):
        body = api_client.get(LIST).json()
    assert body["results"][0]["recommending_states"] == [{"iso3": "NOR", "name": "Kingdom of Norway"}]


def test_a_new_code_is_known_as_soon_as_it_is_committed(api_client, recommendation, uncached):
    assert api_client.get("/api/v1/recommendations/?state_under_review=XKX").status_code == 400
    State.objects.create(iso3="XKX", iso2="XK", name="Kosovo")
    response = api_client.get("/api/v1/recommendations/?state_under_review=XKX")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_transaction_that_wrote_reads_its_own_reference_rows(recommendation):
    before = lookups.current()
    with transaction.atomic():
        Theme.objects.filter(slug="womens-rights").update(name="Rights of women")
        inside = lookups.current()
        assert {theme["name"] for _position, theme in inside.themes.values()} >= {"Rights of women"}
        transaction.set_rollback(True)
    # Rolled back: the process still holds (and serves) the committed rows.
    assert lookups.current() is before


def test_a_view_outside_the_response_cache_reads_the_version_once(
    api_client, recommendation, django_assert_num_queries
):
    url = "/api/v1/recommendations/export.csv?state_under_review=KAZ&theme=womens-rights"
    b"".join(api_client.get(url).streaming_content)
    # The data version once for the whole request (OneDataVersionMiddleware pins it): the ISO3 code, the
    # theme and the lists' labels come from the reference tables held; then the anonymous row limit (a
    # COUNT) and, while the rows stream, their one query.
    with django_assert_num_queries(3):
        body = b"".join(api_client.get(url).streaming_content)
    assert b"Protect women's rights" in body and b"NOR" in body
