"""The API's one representation of a recommendation (representations.py), compared whole: with every list
filled, for a bare voluntary pledge, as a list row with its snippet, and streamed for the JSON Lines export;
and the shape the OpenAPI schema declares for it (serializers.py)."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from recommendations import services
from recommendations.api.representations import recommendation_representations, streamed_representations
from recommendations.api.serializers import RecommendationListSerializer, RecommendationSerializer
from recommendations.models import SDG, AffectedGroup, Recommendation, Theme
from states.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(settings):
    settings.ALLOWED_HOSTS = ["partner.example.org"]
    return Request(APIRequestFactory().get("/api/v1/recommendations/", HTTP_HOST="partner.example.org"))


@pytest.fixture
def full(review_kaz_2010, make_recommendation, org_a):
    """Every list filled, from two theme schemes, with codes, names to sort and dates set."""
    made = make_recommendation(
        review_kaz_2010,
        'Protect human rights defenders & journalists, and guarantee "freedom of assembly" for all',
        states=State.objects.filter(iso3__in=["NOR", "FRA", "CIV", "BRA"]),
        paragraph="97.45",
        action_category=5,
    )
    made.themes.set(Theme.objects.filter(slug__in=["human-rights-defenders", "d-civil-political-rights", "women"]))
    made.themes.add(*Theme.objects.filter(scheme__slug="ohchr").order_by("-code")[:2])
    made.affected_groups.set(AffectedGroup.objects.filter(slug__in=["children", "women", "girls"]))
    made.sdgs.set(SDG.objects.filter(number__in=[16, 5, 10]))
    services.record_position(recommendation=made, response="supported", source="A/HRC/14/10/Add.1")
    services.record_assessment(
        recommendation=made, status="partially_implemented", assessed_on=datetime.date(2014, 1, 21), organisation=org_a
    )
    return made


@pytest.fixture
def bare(review_kaz_2010, make_recommendation):
    """A voluntary pledge: no recommending State, no list, no response, no status."""
    return make_recommendation(review_kaz_2010, "Hold free elections", kind="voluntary_pledge")


def iso(moment: datetime.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def theme(scheme: str, slug: str, code: str, name: str) -> dict:
    pk = Theme.objects.get(scheme__slug=scheme, slug=slug).pk
    return {"id": pk, "scheme": scheme, "code": code, "name": name, "slug": slug}


def review_of(recommendation: Recommendation) -> dict:
    pk = recommendation.review_id
    return {"id": pk, "url": f"http://partner.example.org/api/v1/reviews/{pk}/", "report_symbol": "A/HRC/14/10"}


def expected_full(full: Recommendation) -> dict:
    """States and groups by name; themes by scheme name, then code, then name; SDGs by number; times in UTC."""
    full = Recommendation.objects.get(pk=full.pk)  # recording a position and an assessment moved updated_at
    return {
        "id": full.pk,
        "url": f"http://partner.example.org/api/v1/recommendations/{full.pk}/",
        "paragraph": "97.45",
        "text": 'Protect human rights defenders & journalists, and guarantee "freedom of assembly" for all',
        "language": "en",
        "kind": "recommendation",
        "state_under_review": {"iso3": "KAZ", "name": "Kazakhstan"},
        "recommending_states": [
            {"iso3": "BRA", "name": "Brazil"},
            {"iso3": "CIV", "name": "Côte d'Ivoire"},
            {"iso3": "FRA", "name": "France"},
            {"iso3": "NOR", "name": "Norway"},
        ],
        "session": 7,
        "cycle": 1,
        "year": 2010,
        "review": review_of(full),
        "response": "supported",
        "response_source": "A/HRC/14/10/Add.1",
        "action_category": 5,
        "themes": [
            theme("ohchr", "d-civil-political-rights", "D", "Civil & political rights"),
            theme("ohchr", "g6-internally-displaced-persons", "G6", "Internally displaced persons"),
            theme("ohchr", "h1-human-rights-defenders", "H1", "Human rights defenders"),
            theme("upr-info", "human-rights-defenders", "", "Human rights defenders"),
        ],
        "affected_groups": [
            {"slug": "children", "name": "Children"},
            {"slug": "girls", "name": "Girls"},
            {"slug": "women", "name": "Women"},
        ],
        "sdgs": [
            {"number": 5, "name": "Gender Equality"},
            {"number": 10, "name": "Reduced Inequalities"},
            {"number": 16, "name": "Peace, Justice and Strong Institutions"},
        ],
        "status": "partially_implemented",
        "status_date": "2014-01-21",
        "created_at": iso(full.created_at),
        "updated_at": iso(full.updated_at),
    }


def expected_bare(bare: Recommendation) -> dict:
    """Empty lists, and null for what is stored blank or not recorded."""
    return {
        "id": bare.pk,
        "url": f"http://partner.example.org/api/v1/recommendations/{bare.pk}/",
        "paragraph": "",
        "text": "Hold free elections",
        "language": "en",
        "kind": "voluntary_pledge",
        "state_under_review": {"iso3": "KAZ", "name": "Kazakhstan"},
        "recommending_states": [],
        "session": 7,
        "cycle": 1,
        "year": 2010,
        "review": review_of(bare),
        "response": None,
        "response_source": "",
        "action_category": None,
        "themes": [],
        "affected_groups": [],
        "sdgs": [],
        "status": None,
        "status_date": None,
        "created_at": iso(bare.created_at),
        "updated_at": iso(bare.updated_at),
    }


def test_details_are_whole_and_unknown_ids_left_out(request_, full, bare):
    found = recommendation_representations([full.pk, bare.pk, 999_999_999], request_)
    assert found == {full.pk: expected_full(full), bare.pk: expected_bare(bare)}


def test_list_rows_add_the_text_around_the_matches(request_, full, bare):
    found = recommendation_representations([full.pk, bare.pk], request_, search_text="freedom assembly", snippets=True)
    assert found == {
        full.pk: {
            **expected_full(full),
            "snippet": (
                "Protect human rights defenders &amp; journalists, and guarantee &quot;<mark>freedom</mark> of "
                "<mark>assembly</mark>"
            ),
        },
        # Without a match, PostgreSQL's headline is the start of the text.
        bare.pk: {**expected_bare(bare), "snippet": "Hold free elections"},
    }


def test_list_rows_without_words_have_a_null_snippet(request_, full):
    found = recommendation_representations([full.pk], request_, snippets=True)
    assert found == {full.pk: {**expected_full(full), "snippet": None}}


def prepared_on_this_connection(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{table}%"])
        return cursor.fetchone()[0] > 0


def test_the_representation_is_prepared_once_per_connection_unless_turned_off(request_, full):
    """core/prepared.py: PostgreSQL plans the statement once per connection; with DB_PREPARED_STATEMENTS=false
    (the connection's prepare_threshold None) it is not prepared, and the answer is the same."""
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # earlier tests' statements; psycopg forgets them too
    connection.connection.prepare_threshold = None
    try:
        unprepared = recommendation_representations([full.pk], request_)
        assert not prepared_on_this_connection("recommendations_recommendation_sdgs")
    finally:
        connection.connection.prepare_threshold = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    assert recommendation_representations([full.pk], request_) == unprepared == {full.pk: expected_full(full)}
    assert prepared_on_this_connection("recommendations_recommendation_sdgs")


def test_streamed_representations_are_the_details_in_the_querysets_order(request_, full, bare):
    streamed = streamed_representations(Recommendation.objects.order_by("-id"), request_, chunk_size=1)
    assert list(streamed) == [expected_bare(bare), expected_full(full)]


def test_the_schema_declares_the_fields_of_the_representation_in_order(request_, full):
    """The serializers only declare the representation's shape, for the OpenAPI schema: the same fields."""
    detail = recommendation_representations([full.pk], request_)[full.pk]
    row = recommendation_representations([full.pk], request_, snippets=True)[full.pk]
    assert list(RecommendationSerializer().fields) == list(detail)
    assert list(RecommendationListSerializer().fields) == list(row)
