"""Django's 500 handler, with one exception: a database that cannot be reached is a 503, not a 500.

When PostgreSQL restarts, fails over or is briefly unreachable, requests raise
OperationalError (connection refused, server closed the connection, the server
is starting up or shutting down) or InterfaceError (a connection already
closed). That is not a bug to page anyone about: the answer is "try again in a
moment", with Retry-After so clients and load balancers know when. The
connection itself heals without a restart: CONN_HEALTH_CHECKS makes each
request drop a dead connection before its first query, and connect_timeout
bounds how long a connection attempt may wait (settings.py).

A statement cancelled by the statement timeout in a view is answered before
this by QueryTimeoutMiddleware (core/middleware.py), with its own page.

Runs inside the `except` block of Django's exception handling, so
sys.exc_info() is the exception being handled. Never touches the database.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.defaults import server_error as html_server_error

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = gettext_noop("The database is unavailable for a moment. Please try again in a few seconds.")


def server_error(request) -> HttpResponse:
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return html_server_error(request)
    return unavailable(
        request,
        heading=_("Temporarily unavailable"),
        message=_(UNAVAILABLE),
        retry_after=RETRY_AFTER_SECONDS,
    )


def unavailable(request: HttpRequest, *, heading: str, message: str, retry_after: int) -> HttpResponse:
    """A 503 asking to retry after `retry_after` seconds: the API's error shape under /api/, else a page.

    The page is standalone (templates/503.html): it is rendered when the
    database is unreachable or the request's transaction is unusable.
    """
    if request.path.startswith("/api/"):
        response = JsonResponse({"errors": {"detail": [message]}}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"heading": heading, "message": message}), status=503)
    response["Retry-After"] = str(retry_after)
    return response
