"""Pieces every API viewset shares: filtering that keeps the FilterSet, sync ordering, Last-Modified,
ETag and If-Match on objects, JSON."""

import orjson
from django.db.models import QuerySet
from django.utils.http import http_date
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework import renderers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api_errors import PreconditionFailed, PreconditionRequired

WRITE_ACTIONS = frozenset({"update", "partial_update", "destroy"})
DETAIL_ACTIONS = frozenset({"retrieve", *WRITE_ACTIONS})
ID_REGEX = "[0-9]{1,18}"


class FilterBackend(DjangoFilterBackend):
    """django-filter, keeping the validated FilterSet on the view (ordering, snippets and facets need it)."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view) -> QuerySet:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        view.filterset = filterset
        return filterset.qs


def sync_ordering(request: Request) -> tuple[str, ...]:
    """(updated_at, id) when a client syncs with updated_since, else id: always a total order."""
    return ("updated_at", "id") if request.query_params.get("updated_since") else ("id",)


class DetailMixin:
    """Detail lookups ignore list filters, and carry Last-Modified when the object has updated_at.

    A viewset that changes or deletes objects names their version with `etag_for(obj)`: a GET answers
    it as the ETag, and every PUT, PATCH and DELETE must send it back as If-Match (428 without, 412
    when it names another version), checked once the object is found and the user may write it.
    """

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if self.action in DETAIL_ACTIONS:
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self):
        instance = super().get_object()
        if self.action in WRITE_ACTIONS:
            require_if_match(self.request, self.etag_for(instance), instance._meta.verbose_name)
        return instance

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        updated_at = getattr(instance, "updated_at", None)
        if updated_at is not None:
            response["Last-Modified"] = http_date(updated_at.timestamp())
        if hasattr(self, "etag_for"):
            # A version-carrying ETag, for If-Match on the next write.
            response["ETag"] = self.etag_for(instance)
        return response


def require_if_match(request: Request, etag: str, noun: str) -> None:
    """The write names the current version: If-Match lists `etag` (weak or strong; `*` names no version)."""
    if_match = request.headers.get("If-Match", "").strip()
    if not if_match or if_match == "*":
        if if_match:
            message = gettext(
                "If-Match: * is not accepted: GET the %(noun)s first and send its ETag as If-Match, "
                "so that a change someone made since then is not overwritten."
            )
        else:
            message = gettext(
                "If-Match is required: GET the %(noun)s first and send its ETag as If-Match, "
                "so that a change someone made since then is not overwritten."
            )
        raise PreconditionRequired(message % {"noun": noun})
    if etag not in {tag.strip().removeprefix("W/") for tag in if_match.split(",")}:
        message = gettext(
            "The %(noun)s was changed since you read it: its ETag is now %(etag)s. Read it again and reapply your "
            "change."
        )
        raise PreconditionFailed(message % {"noun": noun, "etag": etag})


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON, written by orjson, an order of magnitude faster than DRF's json.dumps (bench/NOTES.md).

    The same bytes as DRF's compact UTF-8 output (COMPACT_JSON and UNICODE_JSON, the defaults), with
    U+2028 and U+2029 escaped as DRF escapes them; values orjson does not know (lazy translations,
    Decimal …) go through DRF's encoder. An indented rendering (`Accept: application/json; indent=2`)
    is DRF's own. Unlike DRF, a NaN or infinite float (none in this API) is written null, not refused.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None or self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        body = orjson.dumps(data, default=self.encoder_class().default)
        return body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
