"""The reader's language, in one place: the pages' URL prefixes, the remembered choice, the API's `lang`.

- Pages (upr_tracker/urls.py, i18n_patterns): English at the unprefixed URLs, the other languages under
  /fr/, /es/. A prefixed URL is always answered in its language, so a link can be shared in one.
- An unprefixed page asked with GET or HEAD by a visitor who chose another language (the switcher's
  cookie) or, on a first visit, whose browser asks for one (Accept-Language) is redirected to that
  language's URL. The redirect and the unprefixed answers vary on both headers (Vary: Accept-Language,
  Cookie), and the redirect is made before any view runs, so the response cache (core/response_cache.py,
  keyed on the active language) never stores it nor answers a French reader with an English page.
- The API (/api/) has no prefixes and no redirects: `?lang=fr` or Accept-Language chooses the language of
  its labels and messages (codes and values never change); `Content-Language` says which, `Vary:
  Accept-Language` tells caches. A language the API does not speak is a 400 in the API's error shape.
- The switcher posts to set_language (below), which remembers the choice in LANGUAGE_COOKIE_NAME.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect, JsonResponse
from django.middleware import locale
from django.urls import Resolver404, resolve, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt

API_PREFIX = "/api/"
LANGUAGE_PARAMETER = "lang"
# What an unprefixed page's answer depends on besides its URL: the remembered choice and the browser's.
CHOOSING_HEADERS = ("Accept-Language", "Cookie")


def in_the_language_of_its_url(view):
    """A view (the embed widget) never redirected to the reader's language: a partner frames it in the
    language of the URL it chose, with its own framing policy, which a redirect would not carry."""
    view.language_redirect = False
    return view


def unprefixed(path: str) -> str:
    """The path without its language prefix: "/fr/admin/" is "/admin/"."""
    language = translation.get_language_from_path(path)
    return "/" + path[len(language) + 2 :] if language else path


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware, plus the redirect to the visitor's language and the API's choice."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if request.path_info.startswith(API_PREFIX):
            # Not Django's choice first (path, cookie, Accept-Language): the API's replaces it.
            return self._answer_in_asked_language(request)
        super().process_request(request)
        return self._redirect_to_chosen_language(request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        if not request.path_info.startswith(API_PREFIX) and not translation.get_language_from_path(request.path_info):
            patch_vary_headers(response, CHOOSING_HEADERS)
        return response

    def _redirect_to_chosen_language(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD") or translation.get_language_from_path(request.path_info):
            return None
        chosen = translation.get_language_from_request(request)  # the cookie, else Accept-Language
        if chosen == settings.LANGUAGE_CODE or not _redirected(request.path_info):
            return None
        target = translate_url(request.path_info, chosen)
        if target == request.path_info:  # not a page in every language (/i18n/setlang/): answered as it is
            return None
        query = request.META.get("QUERY_STRING", "")
        response = HttpResponseRedirect(target + (f"?{iri_to_uri(query)}" if query else ""))
        patch_vary_headers(response, CHOOSING_HEADERS)
        return response

    def _answer_in_asked_language(self, request: HttpRequest) -> HttpResponse | None:
        translation.activate(accepted_language(request))  # also the language of a bad `lang`'s message
        asked = {value.strip() for value in request.GET.getlist(LANGUAGE_PARAMETER)} - {""}
        language = api_language(next(iter(asked))) if len(asked) == 1 else None
        if asked and language is None:
            codes = ", ".join(code for code, _name in settings.LANGUAGES)
            if len(asked) > 1:
                message = _("Give one language, one of %(codes)s.") % {"codes": codes}
            else:
                message = _("Unknown language: use one of %(codes)s.") % {"codes": codes}
            return JsonResponse({"errors": {LANGUAGE_PARAMETER: [message]}}, status=400)
        if language:
            translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None


def _redirected(path: str) -> bool:
    try:
        return getattr(resolve(path).func, "language_redirect", True)
    except Resolver404:
        return False


def api_language(code: str) -> str | None:
    """The supported language `?lang=` names (any case; "fr-CA" is French), or None."""
    try:
        return translation.get_supported_language_variant(code.lower())
    except LookupError:
        return None


def accepted_language(request: HttpRequest) -> str:
    """The first language of Accept-Language the site speaks (the API reads no cookie), else the default."""
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            break
        language = api_language(code)
        if language:
            return language
    return settings.LANGUAGE_CODE


# Longer query strings are not repeated in the page's links to itself (the alternates, the switcher's return
# address): a hostile megabyte-long address would otherwise be written into its 400 page five times over.
MAX_LINKED_QUERY = 2000


def page_address(request: HttpRequest) -> str:
    """The page's path with its query string, or without one longer than MAX_LINKED_QUERY characters."""
    if len(request.META.get("QUERY_STRING", "")) > MAX_LINKED_QUERY:
        return request.path
    return request.get_full_path()


def alternates(request: HttpRequest) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of the page in every language and as x-default (the unprefixed URL, which
    sends each visitor to their language); none for what is not a page in every language (a 404)."""
    path = page_address(request)
    urls = {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    if len(set(urls.values())) < len(urls):
        return []
    urls["x-default"] = urls[settings.LANGUAGE_CODE]
    return [(code, request.build_absolute_uri(url)) for code, url in urls.items()]


@csrf_exempt
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language: remembers the language posted and redirects to `next` in that language.

    The switcher is on every page, and most pages are shared answers of the response cache, which a CSRF
    token (a cookie and a per-visitor field) would make private: so the form carries none, and this view
    refuses instead what browsers mark as sent from another site (Sec-Fetch-Site). What a forged post could
    do is change a visitor's language, nothing else. `next` is read in its own language: the page a
    French URL names is found with French active, whatever language the visitor had before.
    """
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return HttpResponseForbidden()
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    try:
        language = translation.get_language_from_path(urlsplit(next_url).path)
    except ValueError:  # not a URL at all: set_language sends the visitor home
        language = None
    with translation.override(language or settings.LANGUAGE_CODE):
        return i18n.set_language(request)
