"""One error shape for the whole API: {"errors": {"<parameter or field>": ["message", …]}}.

Messages about the request as a whole (authentication, permission, throttling,
not found) are under "detail". DRF's own errors are reshaped here too.
"""

from django.db.models import ProtectedError
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object is in use and cannot be deleted."
    default_code = "conflict"


def reshape(data) -> dict:
    """DRF's error data (a dict of lists, a list, or {"detail": …}) as the API's error object."""
    if isinstance(data, dict):
        return {_key(key): value if isinstance(value, list | dict) else [value] for key, value in data.items()}
    if isinstance(data, list):
        return {"detail": data}
    return {"detail": [data]}


def _key(key: str) -> str:
    return "detail" if key == api_settings.NON_FIELD_ERRORS_KEY else key


def exception_handler(exc, context):
    if isinstance(exc, ProtectedError):
        exc = Conflict()
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = {"errors": reshape(response.data)}
    return response


def page_not_found(request, exception):
    """Django's 404 handler: the API's error shape under /api/, the usual page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found as html_page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"errors": {"detail": ["Not found."]}}, status=404)
    return html_page_not_found(request, exception)
