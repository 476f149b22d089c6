"""The Atom feed of new assessments and the embeddable recommendations widget."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from recommendations import services
from recommendations.models import Theme

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def assessed(review_kaz_2010, review_fra_2008, make_recommendation, org_a, org_b):
    hrd = Theme.objects.get(scheme__slug="upr-info", slug="human-rights-defenders")
    kaz = make_recommendation(review_kaz_2010, "Protect human rights defenders", paragraph="97.1")
    kaz.themes.set([hrd])
    kaz_other = make_recommendation(review_kaz_2010, "Ratify the Convention", paragraph="97.2")
    fra = make_recommendation(review_fra_2008, "Protect defenders in France", paragraph="60.1")
    fra.themes.set([hrd])
    made = {}
    for name, recommendation, organisation in (
        ("kaz", kaz, org_a),
        ("kaz_other", kaz_other, org_b),
        ("fra", fra, org_a),
    ):
        made[name] = services.record_assessment(
            recommendation=recommendation,
            status="not_implemented",
            assessed_on=datetime.date(2014, 1, 1),
            organisation=organisation,
            narrative=f"Narrative {name}",
        )
    return made


def entries(client, query: str = "") -> list[ET.Element]:
    response = client.get(f"/api/v1/feeds/assessments.atom{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_feed_lists_new_assessments_newest_first(api_client, assessed):
    found = entries(api_client)
    assert [entry.findtext(f"{ATOM}title") for entry in found] == [
        "Not implemented: France, recommendation 60.1",
        "Not implemented: Kazakhstan, recommendation 97.2",
        "Not implemented: Kazakhstan, recommendation 97.1",
    ]
    link = found[0].find(f"{ATOM}link").get("href")
    assert link == f"http://testserver/api/v1/assessments/{assessed['fra'].pk}/"
    assert found[0].find(f"{ATOM}author").findtext(f"{ATOM}name") == "Defenders Watch"


def test_feed_filters_by_state_and_theme(api_client, assessed):
    titles = [
        e.findtext(f"{ATOM}title") for e in entries(api_client, "?state_under_review=KAZ&theme=human-rights-defenders")
    ]
    assert titles == ["Not implemented: Kazakhstan, recommendation 97.1"]


def test_feed_with_a_bad_parameter_is_a_400(api_client, db):
    response = api_client.get("/api/v1/feeds/assessments.atom?state_under_review=XYZ")
    assert response.status_code == 400
    assert response.json() == {"errors": {"state_under_review": ["Unknown ISO3 code: XYZ."]}}


def test_embed_lists_recommendations_with_badges_and_may_be_framed(client, assessed):
    response = client.get("/embed/recommendations/?state_under_review=KAZ&limit=1")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert html.count("<li>") == 1
    assert '<span class="badge status-not_implemented">Not implemented</span>' in html
    assert "/static/css/embed.css" in html
    assert "<script" not in html and "style=" not in html
    assert 'href="/recommendations/?state_under_review=KAZ"' in html


def test_embed_with_bad_parameters_says_so(client, db):
    response = client.get("/embed/recommendations/?bloc=NATO&limit=500")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Unknown bloc code: NATO." in html
    assert "Must be a whole number from 1 to 50." in html


def test_other_pages_still_refuse_framing(client, db):
    assert client.get("/")["X-Frame-Options"] == "DENY"
