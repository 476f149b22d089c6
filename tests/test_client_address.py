"""The client's address behind NUM_PROXIES reverse proxies: the one every per-client limit counts."""

import pytest
from django.test import RequestFactory

from core.client import client_ip

PROXY = "10.0.0.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, None, PROXY),
        (0, "203.0.113.7", PROXY),  # without proxies the header is anyone's to write
        (1, None, PROXY),  # not through the proxy (a health check on the host)
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),  # the left-most entry is the client's own claim
        (1, "1.2.3.4,203.0.113.7 ", "203.0.113.7"),
        (2, "1.2.3.4, 203.0.113.7, 10.0.0.1", "203.0.113.7"),  # what the outer proxy saw
        (2, "203.0.113.7", PROXY),  # fewer entries than proxies: never a guess
        (1, "1.2.3.4, unknown", PROXY),  # not an address
        (1, "1.2.3.4, 203.0.113.7:51234", PROXY),
        (1, "2001:DB8:0:0::7", "2001:db8::7"),  # one spelling per address
    ],
)
def test_the_client_is_the_address_the_outermost_trusted_proxy_saw(settings, proxies, forwarded_for, expected):
    settings.NUM_PROXIES = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR=PROXY, **headers)) == expected


def test_a_request_without_an_address_has_none(settings):
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) == ""
