"""Cached answers for anonymous readers: one query per hit, and never stale after a committed write.

These tests commit for real (transaction=True): the data version moves when a writing
transaction commits (migration 0010), which a test wrapped in one transaction never does.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from core import counts
from recommendations import services
from recommendations.models import Recommendation, Theme
from tests.recommendations.conftest import upr_info_csv, upr_info_row

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LIST = "/api/v1/recommendations/?state_under_review=KAZ"


@pytest.fixture(autouse=True)
def _empty_cache(settings, monkeypatch):
    settings.RESPONSE_CACHE_VERSION_MS = 0  # read the data version on every request (the default with DEBUG)
    monkeypatch.setattr(counts, "_reused", None)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def recommendation(review_kaz_2010, make_recommendation, norway):
    made = make_recommendation(review_kaz_2010, "Protect human rights defenders", states=[norway])
    made.themes.set([Theme.objects.get(scheme__slug="upr-info", slug="human-rights-defenders")])
    return made


def detail_url(recommendation) -> str:
    return f"/api/v1/recommendations/{recommendation.pk}/"


def test_a_repeated_list_is_answered_from_the_cache_with_one_query(
    api_client, recommendation, django_assert_num_queries
):
    first = api_client.get(LIST)
    # data version only: no filter lookup, no rows, no rendering
    with django_assert_num_queries(1):
        again = api_client.get(LIST)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    assert again["ETag"] == first["ETag"]


def test_a_cached_answer_keeps_its_etag_and_last_modified_for_conditional_requests(api_client, recommendation):
    url = detail_url(recommendation)
    first = api_client.get(url)
    api_client.get(url)  # stored now; this one and the next come from the cache
    assert api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert api_client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_facets_and_the_search_page_are_cached_too(api_client, client, recommendation, django_assert_num_queries):
    facets = "/api/v1/recommendations/facets/?facet=theme&state_under_review=KAZ"
    page = "/recommendations/?state_under_review=KAZ"
    first_facets, first_page = api_client.get(facets), client.get(page)
    with django_assert_num_queries(2):  # one data version each
        assert api_client.get(facets).content == first_facets.content
        assert client.get(page).content == first_page.content


def test_another_url_or_accept_header_is_another_entry(api_client, recommendation, django_assert_num_queries):
    api_client.get(LIST)
    # data version, ids, representations (the ISO3 code and the labels from the reference tables this
    # process holds, lookups.py)
    with django_assert_num_queries(3):
        api_client.get(LIST + "&page_size=10")
    with django_assert_num_queries(3):
        indented = api_client.get(LIST, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content != api_client.get(LIST).content


def test_a_write_through_the_services_is_seen_by_the_next_read(api_client, recommendation, org_a):
    assert api_client.get(detail_url(recommendation)).json()["status"] is None
    api_client.get(detail_url(recommendation))
    services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2014, 1, 1),
        organisation=org_a,
    )
    assert api_client.get(detail_url(recommendation)).json()["status"] == "not_implemented"


def test_a_queryset_update_without_signals_is_seen_by_the_next_read(api_client, recommendation):
    api_client.get(detail_url(recommendation))
    Recommendation.objects.filter(pk=recommendation.pk).update(text="Release detained defenders")
    assert api_client.get(detail_url(recommendation)).json()["text"] == "Release detained defenders"


def test_a_write_through_the_api_is_seen_by_the_next_anonymous_read(
    api_client, token_client, reviewer_a, org_a, recommendation
):
    api_client.get(detail_url(recommendation))
    reviewer = token_client(reviewer_a, org_a)
    payload = {
        "recommendation": recommendation.pk,
        "status": "partially_implemented",
        "assessed_on": "2014-01-21",
        "organisation": "defenders-watch",
        "state": "published",
    }
    assert reviewer.post("/api/v1/assessments/", payload, format="json").status_code == 201
    assert api_client.get(detail_url(recommendation)).json()["status"] == "partially_implemented"


def test_edits_and_deletions_in_the_admin_are_seen_by_the_next_read(client, api_client, staff_admin, recommendation):
    theme = recommendation.themes.get()
    assert api_client.get(detail_url(recommendation)).json()["themes"][0]["name"] == "Human rights defenders"
    assert api_client.get(LIST).json()["results"]
    client.force_login(staff_admin)
    change = reverse("admin:recommendations_theme_change", args=[theme.pk])
    form = {"scheme": theme.scheme_id, "code": "", "name": "Defenders", "slug": theme.slug, "parent": "", "_save": "1"}
    assert client.post(change, form).status_code == 302
    assert api_client.get(detail_url(recommendation)).json()["themes"][0]["name"] == "Defenders"
    delete = reverse("admin:recommendations_recommendation_delete", args=[recommendation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert api_client.get(detail_url(recommendation)).status_code == 404
    assert api_client.get(LIST).json()["results"] == []


def test_an_import_is_seen_by_the_next_read(api_client, client, import_file, review_kaz_2010):
    page = "/recommendations/?state_under_review=KAZ"
    assert api_client.get(LIST).json()["results"] == []
    assert client.get(page).context["search"].total == 0
    result = import_file(upr_info_csv([upr_info_row("Ensure freedom of peaceful assembly")]))
    assert result.written
    assert [row["text"] for row in api_client.get(LIST).json()["results"]] == ["Ensure freedom of peaceful assembly"]
    assert b"Ensure freedom of peaceful assembly" in client.get(page).content


def test_a_transaction_that_wrote_neither_reads_nor_fills_the_cache(api_client, recommendation):
    url = detail_url(recommendation)
    api_client.get(url)
    with transaction.atomic():
        Recommendation.objects.filter(pk=recommendation.pk).update(text="Not committed yet")
        assert not counts.data_version().cacheable
        assert api_client.get(url).json()["text"] == "Not committed yet"  # its own write, not the cache
        transaction.set_rollback(True)
    assert api_client.get(url).json()["text"] == "Protect human rights defenders"


def test_a_rolled_back_write_leaves_the_version_alone(recommendation):
    before = counts.data_version()
    with transaction.atomic():
        Recommendation.objects.filter(pk=recommendation.pk).update(text="Rolled back")
        transaction.set_rollback(True)
    assert counts.data_version() == before
    Recommendation.objects.filter(pk=recommendation.pk).update(text="Committed")
    after = counts.data_version()
    assert after.key() != before.key()
    assert after.key(["recommendations_recommendation"]) != before.key(["recommendations_recommendation"])
    assert after.key(["recommendations_theme"]) == before.key(["recommendations_theme"])


def test_signed_in_clients_are_not_served_from_the_cache(token_client_a, recommendation, django_assert_num_queries):
    token_client_a.get(LIST)
    # token with its user, data version is not read, ISO3 lookup, ids, representations
    with django_assert_num_queries(4):
        token_client_a.get(LIST)


def test_a_request_with_an_authorization_header_is_never_answered_from_the_cache(api_client, recommendation):
    assert api_client.get(LIST).status_code == api_client.get(LIST).status_code == 200  # stored now
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
    response = api_client.get(LIST)
    assert (response.status_code, response.json()) == (401, {"errors": {"detail": ["Invalid token."]}})


def test_an_answer_to_a_token_is_not_stored_for_anonymous_readers(
    api_client, token_client_a, recommendation, django_assert_num_queries
):
    token_client_a.get(LIST)
    token_client_a.get(LIST)
    # data version, ids, representations (the ISO3 lookup is kept from the token's read): computed, not
    # the one query of an answer from the cache, as nothing was stored
    with django_assert_num_queries(3):
        api_client.get(LIST)


def test_cached_answers_still_count_against_the_rate_limit(api_client, recommendation, settings):
    settings.API_ANON_RATE = "3/min"
    assert [api_client.get(LIST).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_errors_are_not_cached(api_client, recommendation, django_assert_num_queries):
    api_client.get("/api/v1/recommendations/?state_under_review=XYZ")
    with django_assert_num_queries(1):  # data version; XYZ is not among the States this process holds
        assert api_client.get("/api/v1/recommendations/?state_under_review=XYZ").status_code == 400


def test_caching_can_be_turned_off(api_client, recommendation, settings, django_assert_num_queries):
    settings.RESPONSE_CACHE_SECONDS = 0
    api_client.get(LIST)
    # data version (read once for the whole answer), ids, representations; the ISO3 code and the labels
    # from the reference tables this process holds (lookups.py)
    with django_assert_num_queries(3):
        api_client.get(LIST)


def test_a_stored_answer_carries_the_headers_of_a_computed_one(api_client, recommendation, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.example.org"]
    origin = {"HTTP_ORIGIN": "https://partner.example.org"}
    first = api_client.get(LIST, **origin)
    again = api_client.get(LIST, **origin)  # answered from the store, the middleware adding their headers again
    assert dict(again.items()) == dict(first.items())
    assert again["Access-Control-Allow-Origin"] == "https://partner.example.org"
    assert again["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in again


def test_anonymous_answers_may_be_kept_by_browsers_and_proxies_for_a_short_while(api_client, recommendation, settings):
    settings.RESPONSE_CACHE_MAX_AGE = 5
    computed, stored = api_client.get(LIST), api_client.get(LIST)
    for response in (computed, stored):
        assert response["Cache-Control"] == "public, max-age=5"
        # Accept is in the key; with a token or a session the answer is the client's own.
        assert {"Accept", "Authorization", "Cookie"} <= {name.strip() for name in response["Vary"].split(",")}


def test_answers_to_a_token_or_an_error_are_not_marked_public(token_client_a, api_client, recommendation):
    assert "public" not in token_client_a.get(LIST).get("Cache-Control", "")
    assert "public" not in api_client.get("/api/v1/recommendations/?state_under_review=XYZ").get("Cache-Control", "")


def test_an_anonymous_visitor_with_a_session_cookie_is_answered_from_the_cache_by_the_view(
    client, recommendation, django_assert_num_queries
):
    client.get("/recommendations/?state_under_review=KAZ")
    client.cookies["sessionid"] = "no-such-session"
    # data version, the session lookup (it finds nothing: anonymous), the stored page
    with django_assert_num_queries(2):
        assert client.get("/recommendations/?state_under_review=KAZ").status_code == 200


def test_a_process_may_reuse_the_version_it_read_for_anonymous_readers_only(
    api_client, token_client_a, recommendation, settings, django_assert_num_queries
):
    settings.RESPONSE_CACHE_VERSION_MS = 60_000
    url = detail_url(recommendation)
    api_client.get(url)
    with django_assert_num_queries(0):  # the version read a moment ago, the stored answer
        api_client.get(url)
    Recommendation.objects.filter(pk=recommendation.pk).update(text="Release detained defenders")
    # A client with a token (writers have one) is never answered from the cache: it sees the write at once.
    assert token_client_a.get(url).json()["text"] == "Release detained defenders"
    # Anonymous readers may see it up to RESPONSE_CACHE_VERSION_MS later, as if they had asked that much earlier.
    assert api_client.get(url).json()["text"] == "Protect human rights defenders"
    settings.RESPONSE_CACHE_VERSION_MS = 0
    assert api_client.get(url).json()["text"] == "Release detained defenders"


def test_the_version_is_never_reused_inside_a_transaction(recommendation, django_assert_num_queries):
    counts.recent_data_version(60)  # read now, kept for a minute
    with django_assert_num_queries(0):
        counts.recent_data_version(60)
    with transaction.atomic(), django_assert_num_queries(1):  # read again: the transaction may have written
        counts.recent_data_version(60)


def test_the_home_page_is_computed_once_per_data_version(client, recommendation, org_a, django_assert_num_queries):
    first = client.get("/")
    with django_assert_num_queries(1):  # the data version; the whole-table figures are not recomputed
        assert client.get("/").content == first.content
    services.record_assessment(
        recommendation=recommendation,
        organisation=org_a,
        status="not_implemented",
        assessed_on=datetime.date.today(),
    )
    assert client.get("/").content != first.content  # the new assessment is listed


@pytest.mark.parametrize("path", ["recommendation", "profile"])
def test_the_recommendation_page_and_the_state_profile_are_cached_until_the_data_changes(
    client, recommendation, org_a, path, django_assert_num_queries
):
    url = reverse("recommendations:detail", args=[recommendation.pk]) if path == "recommendation" else "/states/KAZ/"
    first = client.get(url)
    with django_assert_num_queries(1):  # the data version only
        assert client.get(url).content == first.content
    services.record_assessment(
        recommendation=recommendation,
        organisation=org_a,
        status="not_implemented",
        assessed_on=datetime.date.today(),
    )
    assert client.get(url).content != first.content  # the new assessment (and status) is shown


@pytest.mark.parametrize("url", ["/themes/", "/themes/upr-info/womens-rights/"])
def test_the_theme_pages_are_cached_until_the_data_changes(client, recommendation, url, django_assert_num_queries):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the data version only
        assert client.get(url).content == first.content
    recommendation.themes.add(Theme.objects.get(scheme__slug="upr-info", slug="womens-rights"))
    assert client.get(url).content != first.content  # one more recommendation on women's rights


def test_a_repeat_confirmed_after_a_visit_is_on_the_next_recommendation_page(client, recommendation, editor_a, norway):
    from recommendations import followup
    from tests.site_data import review

    later = Recommendation.objects.create(review=review("KAZ", 20), text="Protect human rights defenders, again")
    later.recommending_states.set([norway])
    url = reverse("recommendations:detail", args=[later.pk])
    assert "Asked in more than one review" not in client.get(url).content.decode()
    followup.link_repeat(earlier=recommendation, later=later, user=editor_a)
    assert "Asked in more than one review" in client.get(url).content.decode()
