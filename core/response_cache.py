"""Whole answers to anonymous GET requests, kept until the data changes.

The recommendations API (list, detail, facets) and the public search page are
asked the same URLs again and again: a partner polling a State, a shared search
link, the search page's landing view. Each 200 answer is kept in the Django
cache (per process, or shared through Redis with REDIS_URL) under

- the data version (core/counts.py): PostgreSQL bumps it when a
  transaction that changed public data commits, whatever made the write, so no
  stale answer is served once a process has read the new version. A process
  reuses the version it read for RESPONSE_CACHE_VERSION_MS (200 ms in
  production, 0 in development): anonymous readers may see a write that much
  later. Writers read with their credentials and are never served from here;
- the absolute URL (every parameter, and the scheme and host the links in the
  body are built on), the Accept header and the active language.

Views opt in with serve() (or the cached_view decorator); ResponseCacheMiddleware
stores what they answered, with the headers the middleware below it added, and
answers later requests from the store before sessions, authentication, URL
dispatch and DRF run. A hit costs no query while the process reuses the version
it read (else one small query) and no rendering; a miss pins that version for
the counts the answer needs, so they are read under the same version. The ETag is the one
ConditionalGetMiddleware would compute (MD5 of the body), computed once when
the answer is stored; If-None-Match still gets its 304.

Kept out: signed-in users (their answers may differ), answers other than 200,
answers setting cookies, bodies over RESPONSE_CACHE_MAX_BYTES, and anything
read inside a transaction that has written (counts.UNCACHEABLE). Entries expire
after RESPONSE_CACHE_SECONDS (0 turns caching off), which also bounds what a
deployment that changes the output's format could serve from before it.
Throttling is not bypassed: the middleware answers only after the throttles of
the view that stored the answer allowed the request; other answers (the search
page, throttled in the URLconf) come from the store inside the view.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import set_response_etag
from django.utils.module_loading import import_string
from django.utils.translation import get_language

from core import counts

_PREFIX = "upr:response:"


def serve(
    request: HttpRequest, respond: Callable[[], HttpResponse], *, throttles: Iterable[type] | None = None
) -> HttpResponse:
    """The stored answer to `request`, or respond()'s, marked for ResponseCacheMiddleware to store.

    `throttles` are the throttle classes the view checked before calling serve(): the middleware
    checks them again before it answers a later request from the cache without the view. Without
    them, only the view answers from the cache (its own checks, e.g. a URLconf throttle, run first).
    """
    if not _cacheable_request(request):
        return respond()
    version = counts.data_version()  # the one ResponseCacheMiddleware pinned for this request, else read now
    if not version.cacheable:
        with counts.pinned(version):
            return respond()
    key = _key(request, version.key())
    stored = request.upr_stored if getattr(request, "upr_cache_key", None) == key else cache.get(key)
    if stored is not None:
        return _rebuilt(stored)
    with counts.pinned(version):
        response = respond()
    response.upr_cache = (key, None if throttles is None else [_path(throttle) for throttle in throttles])
    return response


def cached_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view decorator: serve() around a whole Django view."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return serve(request, lambda: view(request, *args, **kwargs))

    wrapper.response_cache = True
    return wrapper


class ResponseCacheMiddleware:
    """Stores what serve() marked, and answers later requests from the store before the rest runs.

    Place it right after ConditionalGetMiddleware: a stored answer still passes through the security,
    CSP, CORS, static-file and conditional-GET middleware before it, while sessions, authentication,
    URL dispatch and DRF are skipped. Only requests to views that cache (cached_view, or a viewset's
    `response_cache_actions`) that cannot be signed in (no Authorization header, no session cookie)
    are looked up, and only answers stored with their view's throttles are given here, after those
    throttles allowed the request (when one refuses, the view answers 429 as always). Whatever is
    looked up here is handed to the view.

    Every GET and HEAD is answered under one data version (counts.pinned): read here for those
    anonymous requests (reused for RESPONSE_CACHE_VERSION_MS, whether answers are stored or not),
    else when the view first needs it, and then not again for the counts and the reference tables
    (lookups.py) the answer reads. GET and HEAD views write no data the version follows.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        version = None
        if _anonymous(request) and _caching_view(request):
            version = counts.recent_data_version(settings.RESPONSE_CACHE_VERSION_MS / 1000)
            if settings.RESPONSE_CACHE_SECONDS and version.cacheable:
                request.upr_cache_key = key = _key(request, version.key())
                request.upr_stored = stored = cache.get(key)
                if stored is not None and stored[2] is not None and _allowed(request, stored[2]):
                    return _rebuilt(stored)
        with counts.pinned(version):
            response = self.get_response(request)
        marked = getattr(response, "upr_cache", None)
        if marked is not None:
            _store(*marked, response)
        return response


def _anonymous(request: HttpRequest) -> bool:
    """No credentials at all: whatever the view would do, the visitor is anonymous."""
    return "HTTP_AUTHORIZATION" not in request.META and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _caching_view(request: HttpRequest) -> bool:
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    if getattr(view, "response_cache", False):
        return True
    actions = getattr(getattr(view, "cls", None), "response_cache_actions", ())
    return (getattr(view, "actions", None) or {}).get("get") in actions


def _cacheable_request(request: HttpRequest) -> bool:
    if not settings.RESPONSE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


class _Visitor:
    """What DRF's throttles read of a request: its headers and, here, an anonymous user."""

    user = AnonymousUser()

    def __init__(self, request: HttpRequest) -> None:
        self.META, self.headers = request.META, request.headers


def _allowed(request: HttpRequest, throttles: list[str]) -> bool:
    visitor = _Visitor(request)
    return all(_class(path)().allow_request(visitor, None) for path in throttles)


@functools.cache
def _class(path: str) -> type:
    return import_string(path)


def _path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _key(request: HttpRequest, version: str) -> str:
    parts = (version, request.build_absolute_uri(), request.META.get("HTTP_ACCEPT", ""), get_language() or "")
    return _PREFIX + hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _store(key: str, throttles: list[str] | None, response: HttpResponse) -> None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    if len(response.content) > settings.RESPONSE_CACHE_MAX_BYTES:
        return
    if not response.has_header("ETag"):
        set_response_etag(response)
    entry = (response.content, list(response.items()), throttles)
    cache.set(key, entry, timeout=settings.RESPONSE_CACHE_SECONDS)


def _rebuilt(stored: tuple) -> HttpResponse:
    content, headers, _throttles = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response
