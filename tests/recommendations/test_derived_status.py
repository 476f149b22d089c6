"""A recommendation's current status and current response are kept by the database (migration 0021): every
statement that writes assessments or positions, through the services, a queryset or raw SQL, refreshes the
recommendations it touched. Lists filter on these copies, so a wrong one shows a status nobody published."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from recommendations import services
from recommendations.models import ImplementationAssessment, Position, Publication, Recommendation

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def recommendation(review_kaz_2010, make_recommendation):
    return make_recommendation(review_kaz_2010)


def shown(recommendation) -> tuple:
    return Recommendation.objects.values_list("current_status", "current_status_date", "response").get(
        pk=recommendation.pk
    )


def assess(recommendation, organisation, status, on, state=Publication.PUBLISHED):
    return ImplementationAssessment.objects.create(
        recommendation=recommendation, organisation=organisation, status=status, assessed_on=on, state=state
    )


def test_a_published_assessment_becomes_current_and_a_draft_does_not(recommendation, org_a):
    assess(recommendation, org_a, "partially_implemented", D(2014, 1, 10))
    assess(recommendation, org_a, "fully_implemented", D(2016, 1, 10), state=Publication.DRAFT)
    assert shown(recommendation)[:2] == ("partially_implemented", D(2014, 1, 10))


def test_a_queryset_update_of_the_status_shows(recommendation, org_a):
    assess(recommendation, org_a, "not_implemented", D(2014, 1, 10))
    ImplementationAssessment.objects.filter(recommendation=recommendation).update(status="fully_implemented")
    assert shown(recommendation)[0] == "fully_implemented"


def test_unpublishing_or_deleting_the_latest_falls_back_to_the_one_before(recommendation, org_a):
    assess(recommendation, org_a, "not_implemented", D(2012, 1, 10))
    latest = assess(recommendation, org_a, "fully_implemented", D(2016, 1, 10))
    ImplementationAssessment.objects.filter(pk=latest.pk).update(state=Publication.DRAFT)
    assert shown(recommendation)[:2] == ("not_implemented", D(2012, 1, 10))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ImplementationAssessment._meta.db_table}")
    assert shown(recommendation)[:2] == ("", None)


def test_an_assessment_moved_to_another_recommendation_refreshes_both(recommendation, review_kaz_2010, org_a):
    other = Recommendation.objects.create(review=review_kaz_2010, text="Ratify the Optional Protocol")
    assessment = assess(recommendation, org_a, "fully_implemented", D(2016, 1, 10))
    services.update_assessment(assessment=assessment, recommendation=other)
    assert shown(recommendation)[0] == ""
    assert shown(other)[0] == "fully_implemented"


def test_one_statement_refreshes_many_recommendations(review_kaz_2010, org_a):
    recommendations = Recommendation.objects.bulk_create(
        Recommendation(review=review_kaz_2010, text=f"Recommendation {n}") for n in range(30)
    )
    ImplementationAssessment.objects.bulk_create(
        ImplementationAssessment(
            recommendation=r,
            organisation=org_a,
            status="fully_implemented",
            assessed_on=D(2015, 5, 5),
            state="published",
        )
        for r in recommendations
    )
    assert set(Recommendation.objects.values_list("current_status", flat=True)) == {"fully_implemented"}


def test_the_latest_position_is_the_response_whatever_writes_it(recommendation):
    Position.objects.create(recommendation=recommendation, response="noted", date=D(2010, 6, 10))
    later = Position.objects.create(recommendation=recommendation, response="supported", date=D(2012, 9, 1))
    assert shown(recommendation)[2] == "supported"
    Position.objects.filter(pk=later.pk).update(date=D(2009, 1, 1))
    assert shown(recommendation)[2] == "noted"
    Position.objects.all().delete()
    assert shown(recommendation)[2] == ""


def test_an_unrelated_edit_leaves_updated_at(recommendation, org_a):
    assessment = assess(recommendation, org_a, "fully_implemented", D(2016, 1, 10))
    before = Recommendation.objects.get(pk=recommendation.pk).updated_at
    ImplementationAssessment.objects.filter(pk=assessment.pk).update(narrative="Reworded.")
    assess(recommendation, org_a, "not_implemented", D(2011, 1, 1))  # older: not the current one
    assert Recommendation.objects.get(pk=recommendation.pk).updated_at == before


def test_the_synthetic_generator_writes_them_and_leaves_the_triggers_on():
    call_command("generate_synthetic", "--recommendations", "300", "--no-progress", stdout=io.StringIO())
    assessed = Recommendation.objects.exclude(current_status="")
    assert assessed.exists()
    for recommendation in assessed[:20]:
        latest = recommendation.assessments.filter(state="published").order_by("-assessed_on", "-id").first()
        assert (recommendation.current_status, recommendation.current_status_date) == (
            latest.status,
            latest.assessed_on,
        )
    one = assessed.first()
    other = "not_implemented" if one.current_status != "not_implemented" else "fully_implemented"
    ImplementationAssessment.objects.filter(recommendation=one).update(status=other)
    assert shown(one)[0] == other
