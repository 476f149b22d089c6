"""Recommendation.state_under_review is a copy of review.state, and Recommendation.session_number of
review.session.number: every write path keeps them equal.

No CHECK constraint can compare two tables, so these tests stand in for one.
The list filter, the facets and ordering read the copies (one index range for
"recommendations to one State" or a page by session instead of a join through
the review). Both are kept by triggers (migrations 0013 and 0020), so a write
that no Python code sees (a queryset update, raw SQL) keeps them too.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from recommendations import demo
from recommendations.models import Recommendation, Review, Session
from tests.recommendations.conftest import table_csv

pytestmark = pytest.mark.django_db


def assert_copies_match() -> None:
    assert Recommendation.objects.exists()
    differing = Recommendation.objects.exclude(state_under_review_id=F("review__state_id"))
    assert list(differing.values_list("id", "state_under_review_id", "review__state_id")) == []
    other_session = Recommendation.objects.exclude(session_number=F("review__session__number"))
    assert list(other_session.values_list("id", "session_number", "review__session__number")) == []


def test_save_sets_it_from_the_review(review_kaz_2010, make_recommendation, kazakhstan):
    recommendation = make_recommendation(review_kaz_2010)
    recommendation.refresh_from_db()
    assert recommendation.state_under_review_id == kazakhstan.pk
    assert_copies_match()


def test_a_new_instance_holds_the_copies_without_reading_back(review_kaz_2010, kazakhstan):
    recommendation = Recommendation.objects.create(review=review_kaz_2010, text="Protect journalists")
    assert (recommendation.state_under_review_id, recommendation.session_number) == (kazakhstan.pk, 7)
    created = Recommendation.objects.bulk_create([Recommendation(review_id=review_kaz_2010.pk, text="Ratify")])
    assert (created[0].state_under_review_id, created[0].session_number) == (kazakhstan.pk, 7)


def test_a_queryset_update_of_a_reviews_state_moves_its_recommendations(review_kaz_2010, make_recommendation, norway):
    make_recommendation(review_kaz_2010)
    Review.objects.filter(pk=review_kaz_2010.pk).update(state=norway)
    assert set(Recommendation.objects.values_list("state_under_review_id", flat=True)) == {norway.pk}
    assert_copies_match()


def test_raw_sql_can_neither_omit_nor_change_the_copy(review_kaz_2010, make_recommendation, kazakhstan, norway):
    make_recommendation(review_kaz_2010)
    table = Recommendation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET state_under_review_id = %s", [norway.pk])
        cursor.execute(
            f"INSERT INTO {table} (review_id, paragraph, import_key, text, kind, response, response_source,"
            " current_status, created_at, updated_at)"
            " VALUES (%s, '89.99', '', 'Raw', 'recommendation', '', '', '', now(), now())",
            [review_kaz_2010.pk],
        )
    assert set(Recommendation.objects.values_list("state_under_review_id", flat=True)) == {kazakhstan.pk}
    assert_copies_match()


def test_moving_a_recommendation_to_another_review_moves_it(review_kaz_2010, review_fra_2008, make_recommendation):
    recommendation = make_recommendation(review_kaz_2010)
    recommendation = Recommendation.objects.get(pk=recommendation.pk)
    recommendation.review_id = review_fra_2008.pk  # an id, not an object: save() reads the review
    recommendation.save(update_fields=["review"])
    recommendation.refresh_from_db()
    assert recommendation.state_under_review_id == review_fra_2008.state_id
    assert_copies_match()


def test_changing_a_reviews_state_moves_its_recommendations(review_kaz_2010, make_recommendation, norway):
    make_recommendation(review_kaz_2010)
    make_recommendation(review_kaz_2010, "Ratify the Optional Protocol")
    review = Review.objects.get(pk=review_kaz_2010.pk)
    review.state = norway
    review.save()
    assert set(Recommendation.objects.values_list("state_under_review_id", flat=True)) == {norway.pk}
    assert_copies_match()


def test_a_review_saved_unchanged_updates_no_recommendation(review_kaz_2010, make_recommendation, kazakhstan):
    make_recommendation(review_kaz_2010)
    review = Review.objects.get(pk=review_kaz_2010.pk)
    review.notes = "Mid-term report due"
    review.save()
    assert_copies_match()


def test_the_copy_importer_writes_it(import_file):
    row = {
        "paragraph": "89.12",
        "text": "Guarantee the right to peaceful assembly",
        "state_under_review": "KAZ",
        "recommending_states": "Norway; FRA",
        "session": "7",
        "response": "supported",
        "action_category": "4",
        "themes": "",
        "affected_groups": "",
        "sdgs": "",
    }
    result = import_file(table_csv([row, {**row, "paragraph": "89.13", "state_under_review": "FRA"}]))
    assert result.created == 2, result.problems
    assert sorted(Recommendation.objects.values_list("state_under_review__iso3", flat=True)) == ["FRA", "KAZ"]
    assert_copies_match()
    # The audit rows written by INSERT … SELECT carry it too.
    history = Recommendation.history.model.objects.exclude(state_under_review_id=F("review__state_id"))
    assert not history.exists()


def test_the_synthetic_generator_writes_it():
    call_command(
        "generate_synthetic", "--recommendations", "500", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert Recommendation.objects.count() == 500
    assert_copies_match()


def test_the_demo_writes_it():
    demo.load_demo()
    assert_copies_match()


def test_the_filter_and_facets_use_it(api_client, review_kaz_2010, review_fra_2008, make_recommendation):
    make_recommendation(review_kaz_2010)
    make_recommendation(review_fra_2008, "Abolish the death penalty")
    listed = api_client.get("/api/v1/recommendations/?state_under_review=KAZ").json()
    assert [item["state_under_review"]["iso3"] for item in listed["results"]] == ["KAZ"]
    ordered = api_client.get("/api/v1/recommendations/?ordering=-state_under_review").json()
    assert [item["state_under_review"]["iso3"] for item in ordered["results"]] == ["KAZ", "FRA"]
    facets = api_client.get("/api/v1/recommendations/facets/?facet=state_under_review&facet=regional_group").json()
    assert sorted(item["value"] for item in facets["facets"]["state_under_review"]) == ["FRA", "KAZ"]
    assert sorted(item["value"] for item in facets["facets"]["regional_group"]) == ["ASIA_PACIFIC", "WEOG"]


def test_bulk_create_and_bulk_update_set_it(review_kaz_2010, review_fra_2008):
    Recommendation.objects.bulk_create(
        [
            Recommendation(review=review_kaz_2010, text="Protect journalists"),  # review loaded
            Recommendation(review_id=review_fra_2008.pk, text="Abolish the death penalty"),  # an id only
        ]
    )
    assert_copies_match()
    moved = list(Recommendation.objects.all())
    for recommendation in moved:
        recommendation.review_id = review_fra_2008.pk
    Recommendation.objects.bulk_update(moved, ["review"])
    assert set(Recommendation.objects.values_list("state_under_review_id", flat=True)) == {review_fra_2008.state_id}
    assert_copies_match()


def test_moving_a_review_to_another_session_moves_its_recommendations(review_kaz_2010, make_recommendation):
    make_recommendation(review_kaz_2010)
    Review.objects.filter(pk=review_kaz_2010.pk).update(session=Session.objects.get(number=19))
    assert set(Recommendation.objects.values_list("session_number", flat=True)) == {19}
    assert_copies_match()


def test_a_renumbered_session_moves_its_recommendations(review_kaz_2010, make_recommendation):
    make_recommendation(review_kaz_2010)
    Session.objects.filter(pk=review_kaz_2010.session_id).update(number=99)
    assert set(Recommendation.objects.values_list("session_number", flat=True)) == {99}
    assert_copies_match()


def test_the_copy_cannot_be_set_to_another_session(review_kaz_2010, make_recommendation):
    make_recommendation(review_kaz_2010)
    Recommendation.objects.update(session_number=40)
    assert set(Recommendation.objects.values_list("session_number", flat=True)) == {7}
    assert_copies_match()


def test_ordering_by_session_uses_it(api_client, review_kaz_2010, review_fra_2008, make_recommendation):
    make_recommendation(review_kaz_2010)  # session 7
    make_recommendation(review_fra_2008, "Abolish the death penalty")  # session 2
    ordered = api_client.get("/api/v1/recommendations/?ordering=session").json()
    assert [item["session"] for item in ordered["results"]] == [2, 7]
    ordered = api_client.get("/api/v1/recommendations/?ordering=-session").json()
    assert [item["session"] for item in ordered["results"]] == [7, 2]
