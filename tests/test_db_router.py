import pytest
from django.db import transaction

from recommendations.models import APIToken, Recommendation
from upr_tracker.db_router import ReplicaRouter

router = ReplicaRouter()
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {
        **settings.DATABASES,
        "replica": {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}},
    }


def test_without_a_replica_everything_uses_default(settings):
    assert "replica" not in settings.DATABASES
    assert router.db_for_read(Recommendation) is None
    assert Recommendation.objects.all().db == "default"
    assert router.db_for_write(Recommendation) == "default"


@pytest.mark.django_db(transaction=True)
def test_reads_go_to_the_replica(with_replica):
    assert router.db_for_read(Recommendation) == "replica"
    assert Recommendation.objects.filter(text="x").db == "replica"


@pytest.mark.django_db(transaction=True)
@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(with_replica):
    with transaction.atomic():
        assert router.db_for_read(Recommendation) == "default"
        assert Recommendation.objects.all().db == "default"


def test_migrations_run_on_the_primary_only(with_replica):
    assert router.allow_migrate("default", "recommendations")
    assert not router.allow_migrate("replica", "recommendations")
    assert router.allow_relation(object(), object())


@pytest.mark.django_db(transaction=True)
def test_writes_go_to_the_primary(with_replica):
    assert router.db_for_write(Recommendation) == "default"
    assert Recommendation.objects.all()._db is None
    assert Recommendation.objects.all().select_for_update().db == "default"


def test_api_tokens_are_read_on_the_primary_so_a_revocation_holds_at_once(with_replica):
    assert router.db_for_read(APIToken) == "default"
    assert APIToken.objects.filter(token_key="x").db == "default"
