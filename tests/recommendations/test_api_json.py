"""The API's JSON (api_base.JSONRenderer, orjson): the same bytes DRF's renderer writes, and filter sets that
share their filters' fields (filters.ShallowCopiedFilter, filter_fields.SharedField) without sharing anything
of one request with the next."""

import pytest
from django.http import QueryDict
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from recommendations.models import Recommendation
from recommendations.search.filters import RecommendationFilterSet

pytestmark = pytest.mark.django_db


def test_a_page_is_drfs_json_byte_for_byte(api_client, review_kaz_2010, make_recommendation):
    # Non-ASCII stays UTF-8; U+2028 and U+2029 (line and paragraph separators) are escaped, as DRF does,
    # so the body is also valid JavaScript.
    make_recommendation(review_kaz_2010, "Protect journalists in Côte d'Ivoire\u2028and\u2029elsewhere — «now»")
    response = api_client.get("/api/v1/recommendations/")
    assert response.status_code == 200
    assert response.content == DRFJSONRenderer().render(response.json())
    assert b"\\u2028and\\u2029elsewhere" in response.content
    assert "Côte d'Ivoire".encode() in response.content


def test_an_indented_answer_is_still_given(api_client, review_kaz_2010, make_recommendation):
    make_recommendation(review_kaz_2010, "Protect journalists")
    response = api_client.get("/api/v1/recommendations/", HTTP_ACCEPT="application/json; indent=2")
    assert response.content.startswith(b'{\n  "next"')
    assert response.json()["results"][0]["text"] == "Protect journalists"


def test_errors_are_json_too(api_client):
    response = api_client.get("/api/v1/recommendations/?state_under_review=XYZ")
    assert response.status_code == 400
    assert response.json() == {"errors": {"state_under_review": ["Unknown ISO3 code: XYZ."]}}


def test_filter_sets_share_fields_but_not_values_or_errors(review_kaz_2010, make_recommendation):
    make_recommendation(review_kaz_2010, "Guarantee freedom of assembly")
    make_recommendation(review_kaz_2010, "Abolish the death penalty")

    def filtered(query: str) -> RecommendationFilterSet:
        return RecommendationFilterSet(data=QueryDict(query), queryset=Recommendation.objects.all())

    refused, searched, plain = filtered("state_under_review=XYZ"), filtered("q=assembly"), filtered("")
    assert not refused.is_valid()
    assert searched.is_valid() and plain.is_valid()
    assert searched.form.errors == {} and plain.form.errors == {}
    # The q filter calls the method of its own filter set, not of another one or of the class.
    assert [row.text for row in searched.qs] == ["Guarantee freedom of assembly"]
    assert plain.qs.count() == 2
    assert searched.filters["q"].parent is searched and plain.filters["q"].parent is plain
    assert searched.filters["q"].field is plain.filters["q"].field  # made once
