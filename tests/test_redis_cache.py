"""The shared cache: run with TEST_REDIS_URL=redis://127.0.0.1:6379/15 to test against a Redis server
(CI sets it when a Redis server answers on 127.0.0.1:6379)."""

import os
import uuid

import pytest
from django.core.cache import caches

from core import counts

REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"upr-test-{uuid.uuid4().hex}",
        }
    }
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_counts_are_shared_and_invalidated_through_redis(redis_cache):
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert counts.cached("facets", "f", "v1", compute) == {"n": 1}
    assert counts.cached("facets", "f", "v1", compute) == {"n": 1}  # from Redis
    # A new data version (the database bumps it when a write commits) misses and recomputes.
    assert counts.cached("facets", "f", "v2", compute) == {"n": 2}


@pytest.mark.django_db
def test_throttling_counters_live_in_redis(redis_cache, client):
    assert client.get("/api/v1/cycles/").status_code == 200
    assert any(key for key in redis_cache._cache.get_client().scan_iter(f"{redis_cache.key_prefix}*"))
