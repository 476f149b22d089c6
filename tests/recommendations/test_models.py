import datetime

import pytest
from django.db import IntegrityError, transaction

from recommendations.models import Recommendation, Review, Session, Theme

pytestmark = pytest.mark.django_db


def assert_rejected(create):
    with transaction.atomic(), pytest.raises(IntegrityError):
        create()


def test_one_review_per_state_and_session(review_kaz_2010):
    assert_rejected(lambda: Review.objects.create(state=review_kaz_2010.state, session=review_kaz_2010.session))


def test_paragraph_numbers_are_unique_within_a_review_but_may_be_blank(review_kaz_2010, make_recommendation):
    make_recommendation(review_kaz_2010, "First", paragraph="97.1")
    make_recommendation(review_kaz_2010, "Second")
    make_recommendation(review_kaz_2010, "Third")
    assert_rejected(lambda: make_recommendation(review_kaz_2010, "Fourth", paragraph="97.1"))


@pytest.mark.parametrize(
    "bad_fields",
    [
        {"action_category": 6},
        {"action_category": 0},
        {"response": "accepted"},
        {"current_status": "done"},
        {"kind": "wish"},
        {"text": ""},
    ],
)
def test_the_database_rejects_values_outside_the_scales(review_kaz_2010, bad_fields):
    fields = {"text": "Ratify the Convention against Torture", **bad_fields}
    assert_rejected(lambda: Recommendation.objects.create(review=review_kaz_2010, **fields))


def test_session_dates_must_be_ordered():
    session = Session.objects.get(number=7)
    assert_rejected(
        lambda: Session.objects.create(
            number=99, cycle=session.cycle, start_date=datetime.date(2030, 2, 2), end_date=datetime.date(2030, 2, 1)
        )
    )


def test_theme_codes_are_unique_within_a_scheme():
    theme = Theme.objects.filter(scheme__slug="ohchr").exclude(code="").first()
    assert_rejected(lambda: Theme.objects.create(scheme=theme.scheme, code=theme.code, name="Other", slug="other"))


def test_search_vector_is_filled_on_every_write_path(review_kaz_2010):
    Recommendation.objects.bulk_create([Recommendation(review=review_kaz_2010, text="Protect journalists' freedoms")])
    hit = Recommendation.objects.filter(search_vector="journalist").get()  # stemmed: journalists → journalist
    assert hit.text == "Protect journalists' freedoms"
    Recommendation.objects.filter(pk=hit.pk).update(text="Abolish the death penalty")
    assert not Recommendation.objects.filter(search_vector="journalist").exists()
    assert Recommendation.objects.filter(search_vector="penalties").exists()


def test_string_forms_read_naturally(review_kaz_2010, make_recommendation):
    recommendation = make_recommendation(review_kaz_2010, paragraph="97.12")
    assert str(review_kaz_2010) == "Kazakhstan — 7th session (2010)"
    assert str(recommendation) == "Kazakhstan — 7th session (2010) — 97.12"
    assert str(Session.objects.get(number=22)) == "22nd session (2015)"
