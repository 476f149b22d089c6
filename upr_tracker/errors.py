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
this by QueryTimeoutMiddleware (upr_tracker/middleware.py), with its own page.

Runs inside the `except` block of Django's exception handling, so
sys.exc_info() is the exception being handled. Never touches the database.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import server_error as html_server_error

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "The database is unavailable for a moment. Please try again in a few seconds."


def server_error(request) -> HttpResponse:
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return html_server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse({"errors": {"detail": [UNAVAILABLE]}}, status=503)
    else:
        response = HttpResponse(loader.get_template("database_unavailable.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
