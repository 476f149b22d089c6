import datetime

import pytest
from django.utils import timezone

from recommendations.models import Recommendation, Watch


@pytest.fixture
def reader(django_user_model):
    """A confirmed reader account: not staff, no organisation."""
    return django_user_model.objects.create_user(
        username="reader@example.org", email="reader@example.org", password="correct horse battery"
    )


@pytest.fixture
def other_reader(django_user_model):
    return django_user_model.objects.create_user(
        username="other@example.org", email="other@example.org", password="correct horse battery"
    )


@pytest.fixture
def kaz_recommendation(review_kaz_2010, make_recommendation):
    """A recommendation recorded a day ago, before anyone watched it."""
    recommendation = make_recommendation(
        review_kaz_2010, "Protect human rights defenders from reprisals", paragraph="97.12"
    )
    earlier = timezone.now() - datetime.timedelta(days=1)
    Recommendation.objects.filter(pk=recommendation.pk).update(created_at=earlier, updated_at=earlier)
    return recommendation


@pytest.fixture
def watch_kaz(reader, kazakhstan):
    """A daily watch of Kazakhstan, created an hour ago (before the changes the tests make)."""
    watch = Watch.objects.create(owner=reader, kind=Watch.Kind.STATE, state=kazakhstan, frequency="daily")
    Watch.objects.filter(pk=watch.pk).update(created_at=watch.created_at - datetime.timedelta(hours=1))
    watch.refresh_from_db()
    return watch
