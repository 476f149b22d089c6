"""Content-Security-Policy with the few exceptions the third-party UIs need; one data version per read;
statement timeouts as 503."""

import logging

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.db import OperationalError
from django.utils.translation import gettext as _
from psycopg.errors import QueryCanceled

from core import counts, errors
from core.locale import unprefixed

logger = logging.getLogger(__name__)

# Django's admin widgets and the bundled Swagger UI / Redoc set element styles
# from JavaScript; they get inline *styles* (never inline scripts). The admin in every language (/fr/admin/).
INLINE_STYLE_PREFIXES = ("/admin/", "/api/v1/docs/", "/api/v1/redoc/")


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and unprefixed(request.path_info).startswith(INLINE_STYLE_PREFIXES):
            parts.update = {**(parts.update or {}), "style-src": [SELF, UNSAFE_INLINE]}
        if not report_only and request.path_info.startswith("/api/v1/redoc/"):
            # Redoc searches in a web worker it builds from a blob.
            parts.update = {**(parts.update or {}), "worker-src": [SELF, "blob:"]}
        return parts


class OneDataVersionMiddleware:
    """Every GET and HEAD is answered under one data version (counts.pinned): read when the answer first
    needs it (a cached view may reuse a recent one, core/response_cache.py), then not again for the counts
    and the reference tables (recommendations/search/lookups.py) the answer reads. GET and HEAD views write
    no data the version follows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with counts.pinned():
            return self.get_response(request)


class QueryTimeoutMiddleware:
    """A statement PostgreSQL cancelled (DB_STATEMENT_TIMEOUT_MS) is a 503 asking to retry, not a 500.

    The error page is rendered without the database: in a test, or inside a
    transaction, the connection refuses every query after a cancelled one.
    """

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, OperationalError) and isinstance(exception.__cause__, QueryCanceled)):
            return None
        logger.warning("Statement timeout answering %s %s", request.method, request.path)
        return errors.unavailable(
            request,
            heading=_("This took too long"),
            message=_("The database took too long to answer: try again in a moment, or narrow the request."),
            retry_after=self.RETRY_AFTER_SECONDS,
        )
