"""The address of the client a request came from: one answer for every limit that counts per client.

Behind NUM_PROXIES trusted reverse proxies, REMOTE_ADDR is the nearest proxy's address, the same
for everyone. Each proxy appends the address it received the request from to X-Forwarded-For, so
the NUM_PROXIES-th entry from the right is the one the outermost trusted proxy saw: the client.
Entries to its left came from the client and can say anything, so they are never read. With
NUM_PROXIES = 0 (clients connect directly) the header is ignored, for the same reason.

Used by the login lockout (django-axes' AXES_CLIENT_IP_CALLABLE), every throttle
(core/throttling.py) and the public submission form's limit (recommendations/site/submissions.py).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, normalised ("" when there is none).

    REMOTE_ADDR without proxies; behind them, REMOTE_ADDR too when X-Forwarded-For has fewer entries
    than there are proxies or the chosen entry is not an IP address (a port, "unknown"): never an
    address the client chose.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.NUM_PROXIES
    if not proxies:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < proxies:
        return remote
    return _address(forwarded[-proxies]) or remote


def _address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))  # one spelling per address (IPv6 compressed)
    except ValueError:
        return ""
