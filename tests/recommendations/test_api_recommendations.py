"""One recommendation as a partner sees it, conditional requests, error bodies and CORS."""

import datetime

import pytest
from django.utils.http import http_date

from recommendations import services
from recommendations.models import SDG, AffectedGroup, Recommendation, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommendation(review_kaz_2010, make_recommendation, norway, france, org_a):
    recommendation = make_recommendation(
        review_kaz_2010,
        "Take measures to protect human rights defenders",
        states=[norway, france],
        paragraph="97.45",
        action_category=4,
    )
    recommendation.themes.set([Theme.objects.get(scheme__slug="upr-info", slug="human-rights-defenders")])
    recommendation.affected_groups.set([AffectedGroup.objects.get(slug="human-rights-defenders")])
    recommendation.sdgs.set([SDG.objects.get(number=16)])
    services.record_position(recommendation=recommendation, response="supported", source="A/HRC/14/10/Add.1 - Para. 3")
    services.record_assessment(
        recommendation=recommendation,
        status="not_implemented",
        assessed_on=datetime.date(2014, 1, 21),
        organisation=org_a,
    )
    return Recommendation.objects.get(pk=recommendation.pk)


def iso(moment: datetime.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_detail_carries_everything_a_partner_needs(api_client, recommendation):
    theme = recommendation.themes.get()
    review = recommendation.review
    response = api_client.get(f"/api/v1/recommendations/{recommendation.pk}/")
    assert response.status_code == 200
    assert response.json() == {
        "id": recommendation.pk,
        "url": f"http://testserver/api/v1/recommendations/{recommendation.pk}/",
        "paragraph": "97.45",
        "text": "Take measures to protect human rights defenders",
        "language": "en",
        "kind": "recommendation",
        "state_under_review": {"iso3": "KAZ", "name": "Kazakhstan"},
        "recommending_states": [{"iso3": "FRA", "name": "France"}, {"iso3": "NOR", "name": "Norway"}],
        "session": 7,
        "cycle": 1,
        "year": 2010,
        "review": {
            "id": review.pk,
            "url": f"http://testserver/api/v1/reviews/{review.pk}/",
            "report_symbol": "A/HRC/14/10",
        },
        "response": "supported",
        "response_source": "A/HRC/14/10/Add.1 - Para. 3",
        "action_category": 4,
        "themes": [
            {
                "id": theme.pk,
                "scheme": "upr-info",
                "code": "",
                "name": "Human rights defenders",
                "slug": "human-rights-defenders",
            }
        ],
        "affected_groups": [{"slug": "human-rights-defenders", "name": "Human rights defenders"}],
        "sdgs": [{"number": 16, "name": "Peace, Justice and Strong Institutions"}],
        "status": "not_implemented",
        "status_date": "2014-01-21",
        "created_at": iso(recommendation.created_at),
        "updated_at": iso(recommendation.updated_at),
    }
    assert response["Last-Modified"] == http_date(recommendation.updated_at.timestamp())


def test_unassessed_recommendation_has_null_status_and_response(api_client, review_kaz_2010, make_recommendation):
    pk = make_recommendation(review_kaz_2010).pk
    body = api_client.get(f"/api/v1/recommendations/{pk}/").json()
    assert (body["status"], body["status_date"], body["response"], body["action_category"]) == (None, None, None, None)


def test_unknown_recommendation_is_a_404_in_the_error_shape(api_client, db):
    response = api_client.get("/api/v1/recommendations/999999999/")
    assert response.status_code == 404
    assert response.json() == {"errors": {"detail": ["No Recommendation matches the given query."]}}


def test_id_too_long_for_bigint_is_a_plain_404(api_client, db):
    assert api_client.get("/api/v1/recommendations/" + "9" * 30 + "/").status_code == 404


def test_unchanged_detail_answers_304_to_its_etag(api_client, recommendation):
    url = f"/api/v1/recommendations/{recommendation.pk}/"
    etag = api_client.get(url)["ETag"]
    response = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_changed_detail_gets_a_new_etag(api_client, recommendation, org_a):
    url = f"/api/v1/recommendations/{recommendation.pk}/"
    etag = api_client.get(url)["ETag"]
    services.record_assessment(
        recommendation=recommendation,
        status="fully_implemented",
        assessed_on=datetime.date(2020, 1, 1),
        organisation=org_a,
    )
    response = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_if_modified_since_answers_304_until_the_row_changes(api_client, recommendation):
    url = f"/api/v1/recommendations/{recommendation.pk}/"
    last_modified = api_client.get(url)["Last-Modified"]
    assert api_client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    later = recommendation.updated_at + datetime.timedelta(seconds=5)
    Recommendation.objects.filter(pk=recommendation.pk).update(updated_at=later)
    assert api_client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_unchanged_list_answers_304(api_client, recommendation, review_kaz_2010, make_recommendation):
    url = "/api/v1/recommendations/?state_under_review=KAZ"
    etag = api_client.get(url)["ETag"]
    assert api_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    make_recommendation(review_kaz_2010, "A new one")
    assert api_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_anonymous_write_is_a_401(api_client, recommendation):
    response = api_client.post(
        "/api/v1/assessments/",
        {"recommendation": recommendation.pk, "status": "fully_implemented"},
        format="json",
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"errors": {"detail": ["Authentication credentials were not provided."]}}


def test_recommendations_are_read_only(token_client_a, recommendation):
    response = token_client_a.delete(f"/api/v1/recommendations/{recommendation.pk}/")
    assert response.status_code == 405
    assert response.json() == {"errors": {"detail": ['Method "DELETE" not allowed.']}}


def test_cors_allows_listed_origins_to_read(api_client, recommendation, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.example.org"]
    response = api_client.get("/api/v1/recommendations/", HTTP_ORIGIN="https://partner.example.org")
    assert response["Access-Control-Allow-Origin"] == "https://partner.example.org"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    other = api_client.get("/api/v1/recommendations/", HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in other


def test_cors_preflight_offers_no_write_methods(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.example.org"]
    response = api_client.options(
        "/api/v1/assessments/",
        HTTP_ORIGIN="https://partner.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_api_pages_cannot_be_framed(api_client, recommendation):
    assert api_client.get("/api/v1/recommendations/")["X-Frame-Options"] == "DENY"
