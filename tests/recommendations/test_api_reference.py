"""Reference data by natural keys: States by ISO3, groups and blocs by code, sessions by number."""

import pytest

pytestmark = pytest.mark.django_db


def test_state_by_iso3(api_client):
    response = api_client.get("/api/v1/states/KAZ/")
    assert response.json() == {
        "url": "http://testserver/api/v1/states/KAZ/",
        "iso3": "KAZ",
        "iso2": "KZ",
        "name": "Kazakhstan",
        "status": "member",
        "regional_group": {"code": "ASIA_PACIFIC", "name": "Asia-Pacific States"},
        "blocs": ["CIS", "OIC"],
    }


def test_state_lookup_ignores_case(api_client):
    assert api_client.get("/api/v1/states/kaz/").json()["iso3"] == "KAZ"


def test_unknown_state_is_a_404(api_client):
    response = api_client.get("/api/v1/states/XYZ/")
    assert response.status_code == 404
    assert response.json() == {"errors": {"detail": ["No State matches the given query."]}}


def test_states_list_walks_all_195(api_client):
    url, seen = "/api/v1/states/?page_size=100", []
    while url:
        body = api_client.get(url).json()
        seen += [state["iso3"] for state in body["results"]]
        url = body["next"]
    assert len(seen) == 195
    assert seen == sorted(seen)


def test_bloc_lists_its_members(api_client):
    body = api_client.get("/api/v1/blocs/eu/").json()
    assert body["code"] == "EU"
    assert "FRA" in body["states"] and "NOR" not in body["states"]


def test_session_by_number(api_client):
    assert api_client.get("/api/v1/sessions/7/").json() == {
        "url": "http://testserver/api/v1/sessions/7/",
        "number": 7,
        "cycle": 1,
        "year": 2010,
        "start_date": "2010-02-08",
        "end_date": "2010-02-19",
    }


def test_themes_filter_by_scheme(api_client):
    body = api_client.get("/api/v1/themes/", {"scheme": "ohchr", "page_size": 500}).json()
    assert body["results"] and {theme["scheme"] for theme in body["results"]} == {"ohchr"}


def test_sdg_and_affected_group_by_natural_key(api_client):
    assert api_client.get("/api/v1/sdgs/5/").json()["name"] == "Gender Equality"
    assert api_client.get("/api/v1/affected-groups/children/").json()["name"] == "Children"


def test_api_root_lists_the_resources(api_client):
    body = api_client.get("/api/v1/").json()
    assert body["recommendations"] == "http://testserver/api/v1/recommendations/"
    assert body["deletions"] == "http://testserver/api/v1/deletions/"


def test_unknown_theme_scheme_is_a_400(api_client):
    response = api_client.get("/api/v1/themes/", {"scheme": "false"})
    assert response.status_code == 400
    assert response.json() == {"errors": {"scheme": ["Unknown theme scheme: false."]}}
