"""Whole answers to anonymous GET requests, kept until the data changes.

The recommendations API (list, detail, facets) and the public pages are asked the
same URLs again and again: a partner polling a State, a shared search link, the
search page's landing view. Each 200 answer is kept in the Django cache (per
process, or shared through Redis with REDIS_URL) under

- the data version (core/counts.py): PostgreSQL bumps it when a transaction that
  changed public data commits, whatever made the write, so no stale answer is
  served once a process has read the new version. A process reuses the version it
  read for RESPONSE_CACHE_VERSION_MS (200 ms in production, 0 in development):
  anonymous readers may see a write that much later. Writers read with their
  credentials and are never served from here. tests/core/test_cache_coverage.py
  checks that every table a cached answer reads has the trigger that moves it;
- the absolute URL (every parameter, and the scheme and host the links in the
  body are built on), the Accept header and the active language.

Views opt in with the cached_view decorator, on a Django view or, through
method_decorator, on a DRF viewset's action. Either runs inside the view: after
the middleware (sessions, authentication) and, for DRF, after its authentication,
permissions and throttles, so a stored answer counts against the rate limits like
any other and a request with credentials is recognised by the code that checks
them. A hit costs no query while the process reuses the version it read (else one
small query) and no rendering; a miss pins that version for the counts the answer
needs, so they are read under the same version.

The shared answers also say so to HTTP caches: `Cache-Control: public,
max-age=RESPONSE_CACHE_MAX_AGE` and `Vary: Accept, Authorization, Cookie` (the
Accept header is in the key; a request with a token or a session may be answered
differently, and `public` would otherwise let a shared cache answer it). The ETag
is the one ConditionalGetMiddleware would compute (MD5 of the body), computed once
when the answer is stored; If-None-Match still gets its 304.

Kept out: signed-in users and token holders, answers other than 200, answers
setting cookies or using the CSRF token, bodies over RESPONSE_CACHE_MAX_BYTES, and
anything read inside a transaction that has written (counts.UNCACHEABLE). Entries
expire after RESPONSE_CACHE_SECONDS (0 turns caching off), which also bounds what a
deployment that changes the output's format could serve from before it.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.translation import get_language

from core import counts

_PREFIX = "upr:response:v2:"  # v2: entries without the throttles the old middleware replayed
# What decides whether the shared answer applies: the Accept header is in the key, and credentials
# (a token, a session) make the answer the visitor's own.
VARY = ("Accept", "Authorization", "Cookie")


def cached_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view decorator: anonymous GETs are answered from the store, else by the view and stored.

    Marks the view (`response_cache`) so that the coverage test finds it in the URLconf.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return serve(request, lambda: view(request, *args, **kwargs))

    wrapper.response_cache = True
    return wrapper


def serve(request: HttpRequest, respond: Callable[[], HttpResponse]) -> HttpResponse:
    """The stored answer to `request`, or respond()'s, stored once rendered when every visitor may share it."""
    if not _anonymous(request):
        return respond()
    version = counts.recent_data_version(settings.RESPONSE_CACHE_VERSION_MS / 1000)
    if not version.cacheable:  # inside a transaction that wrote: its own rows, nobody else's answer
        with counts.pinned(version):
            return respond()
    key = _key(request, version.key())
    stored = cache.get(key) if settings.RESPONSE_CACHE_SECONDS else None
    if stored is not None:
        return _rebuilt(stored)
    with counts.pinned(version):
        response = respond()
    return _once_rendered(response, functools.partial(_share, request, key))


def _anonymous(request: HttpRequest) -> bool:
    """No credentials: no Authorization header (even one that fails) and not signed in."""
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _once_rendered(response: HttpResponse, finish: Callable[[HttpResponse], None]) -> HttpResponse:
    """finish(response) now, or once a template or DRF response has its body and its final headers."""
    if hasattr(response, "add_post_render_callback"):
        response.add_post_render_callback(finish)  # called at once when already rendered
    else:
        finish(response)
    return response


def _share(request: HttpRequest, key: str, response: HttpResponse) -> None:
    """Marks an answer every anonymous visitor may get as public, and stores it."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the body holds this visitor's CSRF token
        return
    patch_cache_control(response, public=True, max_age=settings.RESPONSE_CACHE_MAX_AGE)
    patch_vary_headers(response, VARY)
    if settings.RESPONSE_CACHE_SECONDS and len(response.content) <= settings.RESPONSE_CACHE_MAX_BYTES:
        if not response.has_header("ETag"):
            set_response_etag(response)
        cache.set(key, (response.content, list(response.items())), timeout=settings.RESPONSE_CACHE_SECONDS)


def _key(request: HttpRequest, version: str) -> str:
    parts = (version, request.build_absolute_uri(), request.META.get("HTTP_ACCEPT", ""), get_language() or "")
    return _PREFIX + hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _rebuilt(stored: tuple) -> HttpResponse:
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response
