"""Keyset ("cursor") pagination for every API list.

DRF's CursorPagination encodes only the first ordering field plus an offset
among equal values, and stops working past 1,000 ties (`offset_cutoff`): with
`ordering=session` at a million rows that is most of the table. This class
keeps DRF's envelope but encodes the whole ordering tuple of the last row, so
the next page is `WHERE (key1, …, id) > (last values)` whatever the ordering,
the page size or the depth: no OFFSET, no COUNT.

The ordering is read from the queryset's `order_by`, which must be plain
field or annotation names and end on a unique key (the FilterSets and the
viewsets guarantee that).
"""

import base64
import binascii
import datetime
import json

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core import counts

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
_TRUE, _FALSE = {"true", "1"}, {"false", "0", ""}


INVALID_CURSOR = gettext_lazy("Invalid cursor.")


def _error(param: str, message: str) -> ValidationError:
    return ValidationError({param: [str(message)]})


def _encode(keys: list[str], values: list, reverse: bool) -> str:
    plain = [value.isoformat() if isinstance(value, datetime.date) else value for value in values]
    payload = json.dumps({"k": keys, "v": plain, "r": int(reverse)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _decode(cursor: str) -> dict:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _error("cursor", INVALID_CURSOR) from None
    if not (isinstance(data, dict) and isinstance(data.get("k"), list) and isinstance(data.get("v"), list)):
        raise _error("cursor", INVALID_CURSOR)
    return data


def ordering_of(queryset: QuerySet) -> list[str]:
    order_by = [str(key) for key in queryset.query.order_by]
    if not order_by:
        raise AssertionError("Keyset pagination needs an ordered queryset ending on a unique key.")
    return order_by


def _output_field(queryset: QuerySet, name: str):
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    try:
        return queryset.model._meta.get_field("id" if name == "pk" else name)
    except FieldDoesNotExist:
        raise AssertionError(f"Cannot paginate on {name!r}: order on fields or annotations.") from None


def after(queryset: QuerySet, keys: list[str], values: list, *, reverse: bool = False) -> QuerySet:
    """Rows strictly after (or before, when reverse) `values` in the order `keys`.

    (a, b, id) > (x, y, z) is written out as a OR-of-ANDs because keys may mix
    directions; the extra bound on the first key lets PostgreSQL range-scan an
    index on it.
    """
    names = [key.lstrip("-") for key in keys]
    condition = Q()
    for i, (key, name) in enumerate(zip(keys, names, strict=True)):
        forward = key.startswith("-") == reverse
        term = Q(**{f"{n}": v for n, v in zip(names[:i], values[:i], strict=True)})
        condition |= term & Q(**{f"{name}__{'gt' if forward else 'lt'}": values[i]})
    first_forward = keys[0].startswith("-") == reverse
    bound = Q(**{f"{names[0]}__{'gte' if first_forward else 'lte'}": values[0]})
    return queryset.filter(bound & condition)


class KeysetPagination(BasePagination):
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset: QuerySet, request: Request, view=None) -> list:
        return self._paginate(queryset, request, view, keys_only=False)

    def paginate_keys(self, queryset: QuerySet, request: Request, view=None) -> list[dict]:
        """The page as dicts of the ordering's values (id among them), for views that fetch their rows
        themselves: a narrow query PostgreSQL can often answer from an index alone."""
        return self._paginate(queryset, request, view, keys_only=True)

    def _paginate(self, queryset: QuerySet, request: Request, view, *, keys_only: bool) -> list:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.keys = ordering_of(queryset)
        self.total = self.count(queryset, view) if self.wants_total(request) else None
        cursor = request.query_params.get(self.cursor_query_param)
        reverse = False
        values = None
        if cursor:
            values, reverse = self.read_cursor(queryset, cursor)
        if (narrow := getattr(view, "narrow_page", None)) is not None:
            queryset = narrow(queryset, self.keys, values, reverse, self.page_size + 1)
        if cursor:
            queryset = after(queryset, self.keys, values, reverse=reverse)
        if reverse:
            queryset = queryset.reverse()
        if keys_only:
            queryset = queryset.values(*dict.fromkeys(["id", *(key.lstrip("-") for key in self.keys)]))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if reverse:
            rows.reverse()
        self.next_url = self.link(rows[-1], False) if rows and (more or reverse) else None
        self.previous_url = self.link(rows[0], True) if rows and (cursor and (more or not reverse)) else None
        return rows

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return DEFAULT_PAGE_SIZE
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            message = _("Must be a whole number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE}
            raise _error(self.page_size_query_param, message)
        return int(raw)

    @staticmethod
    def count(queryset: QuerySet, view) -> int:
        """The total: the view's own count when it has one (the recommendations' comes from the count index),
        else COUNT(*), cached under the data version."""
        total = getattr(view, "count_total", None)
        return total() if total is not None else counts.cached_total(queryset)

    def wants_total(self, request: Request) -> bool:
        raw = request.query_params.get("include_total", "").lower()
        if raw not in _TRUE | _FALSE:
            raise _error("include_total", _("Must be true or false."))
        return raw in _TRUE

    def read_cursor(self, queryset: QuerySet, cursor: str) -> tuple[list, bool]:
        data = _decode(cursor)
        if data["k"] != self.keys or len(data["v"]) != len(self.keys):
            raise _error("cursor", _("This cursor belongs to another ordering; start again without a cursor."))
        try:
            values = [
                _output_field(queryset, key.lstrip("-")).to_python(value)
                for key, value in zip(self.keys, data["v"], strict=True)
            ]
        except (DjangoValidationError, TypeError, ValueError):
            raise _error("cursor", INVALID_CURSOR) from None
        if any(value is None or isinstance(value, (list, dict)) or "\x00" in str(value) for value in values):
            raise _error("cursor", INVALID_CURSOR)
        return values, bool(data.get("r"))

    def link(self, row, reverse: bool) -> str:
        names = [key.lstrip("-") for key in self.keys]
        values = [row[name] for name in names] if isinstance(row, dict) else [getattr(row, name) for name in names]
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, _encode(self.keys, values, reverse))

    def get_paginated_response(self, data) -> Response:
        body = {"next": self.next_url, "previous": self.previous_url, "results": data}
        if self.total is not None:
            body["total"] = self.total
        return Response(body)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null on the last page."},
                "previous": {**link, "description": "The previous page, or null on the first page."},
                "results": schema,
                "total": {"type": "integer", "description": "Number of matching rows; only with include_total=true."},
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Opaque position from a previous page's next or previous link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
            },
            {
                "name": "include_total",
                "in": "query",
                "required": False,
                "description": "Add the number of matching rows (one COUNT query; slower on large results).",
                "schema": {"type": "boolean", "default": False},
            },
        ]

    def get_results(self, data: dict) -> list:
        return data["results"]
