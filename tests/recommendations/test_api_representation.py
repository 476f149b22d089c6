"""The API builds recommendations without serializer instances (representations.recommendation_representations):
byte for byte what RecommendationSerializer and RecommendationListSerializer give."""

import datetime

import pytest
from django.contrib.postgres.search import SearchHeadline
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from recommendations import services
from recommendations.api.representations import recommendation_representations
from recommendations.api.serializers import RecommendationListSerializer, RecommendationSerializer
from recommendations.api.views import recommendations_with_related
from recommendations.models import SDG, SEARCH_CONFIG, AffectedGroup, Recommendation, Theme
from recommendations.search.text import HEADLINE, search_query
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


def rendered(data) -> bytes:
    return JSONRenderer().render(data)


def test_detail_is_the_serializers_byte_for_byte(request_, full, bare):
    found = recommendation_representations([full.pk, bare.pk, 999_999_999], request_)
    assert set(found) == {full.pk, bare.pk}
    for recommendation in recommendations_with_related().filter(pk__in=[full.pk, bare.pk]):
        expected = RecommendationSerializer(recommendation, context={"request": request_}).data
        assert rendered(found[recommendation.pk]) == rendered(expected)
    assert found[full.pk]["url"] == f"http://partner.example.org/api/v1/recommendations/{full.pk}/"
    assert [state["iso3"] for state in found[full.pk]["recommending_states"]] == ["BRA", "CIV", "FRA", "NOR"]


def test_list_rows_with_snippets_are_the_serializers_byte_for_byte(request_, full, bare):
    text = "freedom assembly"
    headline = SearchHeadline("text", search_query(text), config=SEARCH_CONFIG, **HEADLINE)
    snippets = dict(Recommendation.objects.annotate(snippet=headline).values_list("pk", "snippet"))
    found = recommendation_representations([full.pk, bare.pk], request_, search_text=text, snippets=True)
    context = {"request": request_, "snippets": snippets}
    for recommendation in recommendations_with_related().filter(pk__in=[full.pk, bare.pk]):
        expected = RecommendationListSerializer(recommendation, context=context).data
        assert rendered(found[recommendation.pk]) == rendered(expected)
    assert "<mark>freedom</mark>" in found[full.pk]["snippet"]


def test_list_rows_without_words_have_a_null_snippet(request_, full):
    found = recommendation_representations([full.pk], request_, snippets=True)
    recommendation = recommendations_with_related().get(pk=full.pk)
    expected = RecommendationListSerializer(recommendation, context={"request": request_}).data
    assert rendered(found[full.pk]) == rendered(expected)
    assert found[full.pk]["snippet"] is None
