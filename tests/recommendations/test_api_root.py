"""/api/v1/: JSON with every address of the API for programs, a page of links for browsers; the site's favicon."""

import pytest

pytestmark = pytest.mark.django_db

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
MORE = {
    "recommendation-facets": "http://testserver/api/v1/recommendations/facets/",
    "recommendation-export-csv": "http://testserver/api/v1/recommendations/export.csv",
    "recommendation-export-jsonl": "http://testserver/api/v1/recommendations/export.jsonl",
    "recommendation-export-xlsx": "http://testserver/api/v1/recommendations/export.xlsx",
    "assessments-feed": "http://testserver/api/v1/feeds/assessments.atom",
    "schema": "http://testserver/api/v1/schema/",
    "docs": "http://testserver/api/v1/docs/",
    "redoc": "http://testserver/api/v1/redoc/",
    "token": "http://testserver/api/v1/token/",
}


def test_api_root_json_adds_docs_schema_facets_exports_and_feed_after_the_resources(api_client):
    response = api_client.get("/api/v1/")
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["recommendations"] == "http://testserver/api/v1/recommendations/"
    assert {key: body[key] for key in MORE} == MORE
    assert list(body)[-len(MORE) :] == list(MORE)
    assert "Accept" in response["Vary"]


def test_api_root_is_a_page_of_links_for_a_browser(client):
    response = client.get("/api/v1/", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "<h1>UPR Tracker API, version 1</h1>" in page
    for url in (*MORE.values(), "http://testserver/api/v1/recommendations/"):
        assert f'href="{url}"' in page
    assert "Interactive documentation (Swagger UI)" in page


def test_api_root_page_speaks_the_readers_language(client):
    page = client.get("/api/v1/?lang=fr", HTTP_ACCEPT=BROWSER_ACCEPT).content.decode()
    assert '<html lang="fr"' in page
    assert "Documentation interactive (Swagger UI)" in page


def test_favicon_is_served_at_the_root_and_linked_from_every_layout(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/api/v1/docs/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/no-such-page/").content.decode()
