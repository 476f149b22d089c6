"""Request rates for the API, read from settings at each request so tests and deployments can change them."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonThrottle(AnonRateThrottle):
    """Anonymous clients, by IP address (see API_NUM_PROXIES behind a proxy)."""

    def get_rate(self) -> str:
        return settings.API_ANON_RATE


class UserThrottle(UserRateThrottle):
    """Clients with a token, by user."""

    def get_rate(self) -> str:
        return settings.API_USER_RATE
