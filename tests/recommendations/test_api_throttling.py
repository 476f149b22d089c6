"""Rate limits: anonymous clients by IP, token clients by user, rates from settings."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    settings.API_ANON_RATE = "2/min"
    settings.API_USER_RATE = "3/min"
    cache.clear()


def test_anonymous_client_is_throttled_with_429(api_client, low_rates):
    assert [api_client.get("/api/v1/cycles/").status_code for _ in range(2)] == [200, 200]
    response = api_client.get("/api/v1/cycles/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["errors"]["detail"][0].startswith("Request was throttled. Expected available in ")


def test_token_client_has_its_own_higher_rate(api_client, token_client_a, low_rates):
    assert [token_client_a.get("/api/v1/cycles/").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_anonymous_limit_is_per_address(api_client, low_rates):
    for _ in range(2):
        api_client.get("/api/v1/cycles/", REMOTE_ADDR="10.0.0.1")
    assert api_client.get("/api/v1/cycles/", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert api_client.get("/api/v1/cycles/", REMOTE_ADDR="10.0.0.2").status_code == 200


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("API_ANON_RATE", "fast", "API_ANON_RATE='fast' is not a rate such as 120/min."),
        ("API_USER_RATE", "100/fortnight", "API_USER_RATE='100/fortnight' is not a rate such as 120/min."),
        ("CORS_ALLOWED_ORIGINS", "*", "'*' is refused"),
    ],
)
def test_bad_api_settings_stop_start_up(variable, value, message):
    from tests.test_project import PRODUCTION_ENV, run_manage

    result = run_manage("check", env={**PRODUCTION_ENV, variable: value})
    assert result.returncode != 0
    assert message in result.stderr
