"""One error shape for the whole API: {"errors": {"<parameter or field>": ["message", …]}}.

Messages about the request as a whole (authentication, permission, throttling,
not found) are under "detail". DRF's own errors are reshaped here too.
"""

import re

from django.db.models import ProtectedError
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The object is in use and cannot be deleted.")
    default_code = "conflict"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy("The object was changed since you read it.")
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy("Send If-Match with the ETag of a GET of the object.")
    default_code = "precondition_required"


def reshape(data) -> dict:
    """DRF's error data (a dict of lists, a list, or {"detail": …}) as the API's error object."""
    if isinstance(data, dict):
        return {_key(key): _listed(value) if isinstance(value, list | dict) else [value] for key, value in data.items()}
    if isinstance(data, list):
        return {"detail": data}
    return {"detail": [data]}


def _listed(value):
    """Errors of a nested list ("citations") as a list, one object per item up to the last with an error.

    DRF 3.18 reports them as {index: errors}; the documented shape (docs/api.md, the schema) is a list.
    """
    if isinstance(value, dict) and value and all(isinstance(key, int) for key in value):
        return [_listed(value.get(index, {})) for index in range(max(value) + 1)]
    if isinstance(value, dict) and set(value) == {api_settings.NON_FIELD_ERRORS_KEY}:
        return value[api_settings.NON_FIELD_ERRORS_KEY]  # "citations" was not a list at all
    if isinstance(value, dict):
        return {_key(key): _listed(item) for key, item in value.items()}
    return value


def _key(key: str) -> str:
    return "detail" if key == api_settings.NON_FIELD_ERRORS_KEY else key


# What django.shortcuts.get_object_or_404 (which DRF's detail views use) says, in English only.
_NO_MATCH = re.compile(r"No (?P<model>\w+) matches the given query\.")


def not_found(model_name: str) -> str:
    """The 404 message of a detail lookup, in the active language; the model's name is its class name."""
    return _("No %(model)s matches the given query.") % {"model": model_name}


def exception_handler(exc, context):
    if isinstance(exc, ProtectedError):
        exc = Conflict()
    elif isinstance(exc, Http404) and exc.args and (match := _NO_MATCH.fullmatch(str(exc.args[0]))):
        exc = Http404(not_found(match["model"]))
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = {"errors": reshape(response.data)}
    return response


def page_not_found(request, exception):
    """Django's 404 handler: the API's error shape under /api/, the usual page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found as html_page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"errors": {"detail": [_("Not found.")]}}, status=404)
    return html_page_not_found(request, exception)


def bad_request(request, exception):
    """Django's 400 handler (a body too large, too many parameters): the API's error shape under /api/."""
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
    from django.http import JsonResponse
    from django.views.defaults import bad_request as html_bad_request

    if not request.path.startswith("/api/"):
        return html_bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = ngettext(
            "The request body is larger than %(size)s byte.", "The request body is larger than %(size)s bytes.", size
        ) % {"size": number_format(size, force_grouping=True)}
        return JsonResponse({"errors": {"detail": [message]}}, status=413)
    if isinstance(exception, TooManyFieldsSent):
        fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        message = ngettext("More than %(count)s parameter.", "More than %(count)s parameters.", fields) % {
            "count": number_format(fields, force_grouping=True)
        }
    else:
        message = _("The request cannot be read.")
    return JsonResponse({"errors": {"detail": [message]}}, status=400)
