"""The briefing as a PDF: the page's HTML laid out by WeasyPrint with the print stylesheet.

Imported only when a PDF is asked for (WeasyPrint loads Pango when imported).
WeasyPrint fetches stylesheets and images through `StaticFilesFetcher`, which
serves this project's own static files from disk and refuses every other URL:
nothing in a briefing (an evidence URL, an organisation's text) can make the
server fetch from the network or read another file.
"""

import mimetypes
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# What a stylesheet may pull in: styles, images, fonts.
ALLOWED_SUFFIXES = {".css", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff", ".woff2", ".ttf", ".otf"}


class RefusedURL(ValueError):
    """WeasyPrint logs it as a warning and leaves the resource out."""


def static_file(url: str, static_prefix: str) -> Path:
    """The file on disk behind `url` when it is one of our static files; RefusedURL otherwise.

    `static_prefix` is the absolute URL of STATIC_URL for the request's site.
    Looks in the staticfiles finders, then in STATIC_ROOT (collectstatic's
    hashed names in production).
    """
    address = url.split("#", 1)[0].split("?", 1)[0]
    if not address.startswith(static_prefix) or urlsplit(address).scheme not in ("http", "https"):
        raise RefusedURL(f"Not one of this site's static files: {url[:200]}")
    relative = unquote(address[len(static_prefix) :])
    if (
        not relative
        or "\x00" in relative
        or "\\" in relative
        or relative.startswith("/")
        or posixpath.normpath(relative) != relative
        or relative.split("/")[0] == ".."
        or Path(relative).suffix.lower() not in ALLOWED_SUFFIXES
    ):
        raise RefusedURL(f"Not a static file name: {url[:200]}")
    return _find(relative, url)


def _find(relative: str, url: str) -> Path:
    # The finders first, as whitenoise serves them in development (STATIC_ROOT may hold an older
    # collectstatic); in production {% static %} names hashed copies that only STATIC_ROOT has.
    found = finders.find(relative)  # safe_join inside: never outside a static folder
    if found and Path(found).is_file():
        return Path(found)
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    raise RefusedURL(f"No such static file: {url[:200]}")


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint's fetcher, limited to `static_file`: no network, no file:// and no data: URLs."""

    def __init__(self, static_prefix: str) -> None:
        super().__init__(allowed_protocols=("http", "https"), allow_redirects=False)
        self.static_prefix = static_prefix

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = static_file(url, self.static_prefix)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})


def render_pdf(html: str, *, base_url: str) -> bytes:
    """`html` (the rendered briefing page) as PDF bytes; relative links resolve against `base_url`."""
    fetcher = StaticFilesFetcher(urljoin(base_url, settings.STATIC_URL))
    # The page numbers' words in the active language, as a stylesheet of the PDF alone (the site's CSP allows no
    # <style> in a page).
    numbers = CSS(string=f"@page {{ @bottom-right {{ content: {page_numbers_css()} !important; }} }}")
    page = HTML(string=html, base_url=base_url, url_fetcher=fetcher, media_type="print")
    return page.write_pdf(stylesheets=[numbers])


# The text between the counters of the PDF's page numbers may be any translation: each part becomes a CSS string.
_CSS_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\a ", "<": "\\3c ", ">": "\\3e "})


def page_numbers_css() -> str:
    """The CSS `content` of the PDF's "Page 2 of 5", in the active language: strings around counter(page) and
    counter(pages). Each text part is an escaped CSS string."""
    # Translators: at the foot of each page of a briefing PDF.
    words = _("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\((?:page|pages)\)s)", words)
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    css = [counters.get(part) or f'"{part.translate(_CSS_STRING_ESCAPES)}"' for part in parts if part]
    return " ".join(css)
