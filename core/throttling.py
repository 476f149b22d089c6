"""Request rates, read from settings at each request so tests and deployments can change them.

The API's viewsets use AnonThrottle and UserThrottle (REST_FRAMEWORK settings); exports add
ExportThrottle. Plain Django views (the search page, the embed widget, the Atom feed, the briefing PDF) are wrapped
with `throttled()` in their URLconf: the same counting, in the same cache, for anonymous visitors.
"""

import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.exceptions import Throttled
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.client import client_ip


class ByClientAddress:
    """Anonymous clients are counted by core.client.client_ip (NUM_PROXIES), as the login lockout is."""

    def get_ident(self, request) -> str:
        return client_ip(request)


class AnonThrottle(ByClientAddress, AnonRateThrottle):
    """Anonymous clients, by IP address."""

    def get_rate(self) -> str:
        return settings.API_ANON_RATE


class UserThrottle(ByClientAddress, UserRateThrottle):
    """Clients with a token, by user."""

    def get_rate(self) -> str:
        return settings.API_USER_RATE


class SiteThrottle(ByClientAddress, AnonRateThrottle):
    """Anonymous visitors of the search page and the embed widget, by IP address; signed-in users are not limited."""

    scope = "site"

    def get_rate(self) -> str:
        return settings.SITE_ANON_RATE


class ExportThrottle(ByClientAddress, AnonRateThrottle):
    """Anonymous exports, by IP address: each may stream EXPORT_ANON_MAX_ROWS rows, so fewer are allowed."""

    scope = "export"

    def get_rate(self) -> str:
        return settings.EXPORT_ANON_RATE


class BriefingPdfThrottle(ByClientAddress, AnonRateThrottle):
    """Anonymous briefing PDFs, by IP address: a render holds a worker thread for seconds."""

    scope = "briefing-pdf"

    def get_rate(self) -> str:
        return settings.BRIEFING_PDF_ANON_RATE


def throttled(view: Callable, throttle_class: type[AnonRateThrottle] = SiteThrottle, *, embed_csp: str = ""):
    """The view, answering 429 with Retry-After once an anonymous client is over the throttle's rate.

    Under /api/ the answer is the API's error shape; elsewhere a small page. With `embed_csp` the page
    may be framed (the embed widget) and carries that Content-Security-Policy instead of the site's.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        throttle = throttle_class()
        if throttle.allow_request(request, None):
            return view(request, *args, **kwargs)
        return too_many_requests(request, math.ceil(throttle.wait() or 1), embed_csp=embed_csp)

    return wrapped


def too_many_requests(request: HttpRequest, seconds: int, *, embed_csp: str = "") -> HttpResponse:
    if request.path.startswith("/api/"):
        # DRF's wording (and its translations), as the API's own throttles answer.
        response = JsonResponse({"errors": {"detail": [str(Throttled(wait=seconds).detail)]}}, status=429)
    else:
        response = render(request, "429.html", {"retry_after": seconds}, status=429)
    if embed_csp:
        response.xframe_options_exempt = True
        response["Content-Security-Policy"] = embed_csp
    response["Retry-After"] = str(seconds)
    return response


class SignUpThrottle(ByClientAddress, AnonRateThrottle):
    """Reader sign-ups sent, by IP address (SIGNUP_RATE): each one sends an email. Showing the form is free."""

    scope = "sign-up"

    def get_rate(self) -> str:
        return settings.SIGNUP_RATE

    def allow_request(self, request, view) -> bool:
        return request.method != "POST" or super().allow_request(request, view)
