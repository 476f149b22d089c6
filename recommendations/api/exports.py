"""Exports of a recommendation search: /api/v1/recommendations/export.csv, .jsonl and .xlsx.

Same filters and ordering as the list. CSV and XLSX use the generic table
format of recommendations/imports/export.py (what the table importer reads back);
JSON Lines uses the API's own recommendation representation, one object per
line. CSV and JSON Lines stream from a server-side cursor in chunks of 2,000
rows, so memory stays flat; XLSX is built on disk in write-only mode and
refused above XLSX_MAX_ROWS.

Anonymous clients export at most EXPORT_ANON_MAX_ROWS rows in any format (a
400 asks them to narrow the filters or use a token, before anything is
streamed) and are throttled more tightly than other API reads
(EXPORT_ANON_RATE); signed-in users and tokens get every row.
"""

import datetime
import itertools
import json
import tempfile
from collections.abc import Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.utils.encoders import JSONEncoder

from core.api import FilterBackend, JSONRenderer
from core.throttling import AnonThrottle, ExportThrottle, UserThrottle
from recommendations.api.representations import streamed_representations
from recommendations.api.schema import filterset_parameters
from recommendations.imports import export as exporting
from recommendations.imports.export import XLSX_MAX_ROWS
from recommendations.models import Recommendation
from recommendations.search.filters import RecommendationFilterSet

CHUNK_SIZE = exporting.CHUNK_SIZE
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OCTET_STREAM = "application/octet-stream"
BOM = "\ufeff"
_TRUE, _FALSE = {"true", "1"}, {"false", "0", ""}  # as include_total (core/pagination.py)


class PassthroughRenderer(BaseRenderer):
    """Lets clients ask for the export's own media type; errors still come back as JSON."""

    media_type = "*/*"
    format = "export"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return json.dumps(data, cls=JSONEncoder).encode()


def _filename(extension: str) -> str:
    return f"upr-recommendations-{datetime.date.today():%Y%m%d}.{extension}"


def _attachment(response, extension: str):
    response["Content-Disposition"] = f'attachment; filename="{_filename(extension)}"'
    return response


class ExportView(generics.GenericAPIView):
    filter_backends = [FilterBackend]
    filterset_class = RecommendationFilterSet
    pagination_class = None
    renderer_classes = [JSONRenderer, PassthroughRenderer]
    throttle_classes = [AnonThrottle, UserThrottle, ExportThrottle]

    def get_queryset(self) -> QuerySet:
        return Recommendation.objects.all()

    def anonymous_limit(self) -> tuple[int, str] | None:
        """EXPORT_ANON_MAX_ROWS and what to say above it, for anonymous clients; None for accounts and tokens."""
        if self.request.user.is_authenticated:
            return None
        limit = settings.EXPORT_ANON_MAX_ROWS
        message = ngettext(
            "More than %(limit)s recommendation matches: narrow the filters, or export with an API token "
            "(docs/api.md, Exports), which has no limit.",
            "More than %(limit)s recommendations match: narrow the filters, or export with an API token "
            "(docs/api.md, Exports), which has no limit.",
            limit,
        )
        return limit, message % {"limit": number_format(limit, force_grouping=True)}

    @staticmethod
    def refuse_above(queryset: QuerySet, limit: tuple[int, str] | None) -> None:
        """400 with the message when more than the limit's rows match; counts at most limit + 1 rows."""
        if limit is not None and queryset.order_by()[: limit[0] + 1].count() > limit[0]:
            raise ValidationError({"detail": [limit[1]]})


def _export_schema(media_type: str, description: str, kind=OpenApiTypes.STR, *, as_bytes=False, parameters=()):
    """The export's own media type; with `as_bytes`, also application/octet-stream, the type generic clients
    (openapi-python-client) read as bytes when they know no JSON Lines or XLSX: the same body, labelled so
    when the client asks for it (Accept: application/octet-stream)."""
    responses = {(200, media_type): OpenApiResponse(kind, description=description)}
    if as_bytes:
        responses[(200, OCTET_STREAM)] = OpenApiResponse(OpenApiTypes.BINARY, description=description)
    return extend_schema(
        parameters=filterset_parameters(RecommendationFilterSet), responses=responses, tags=["recommendations"]
    )


def _content_type(request: Request, own: str) -> str:
    """The export's media type, or application/octet-stream for a client that asks for that."""
    return OCTET_STREAM if request.accepted_media_type.startswith(OCTET_STREAM) else own


BOM_PARAMETER = OpenApiParameter(
    "bom",
    OpenApiTypes.BOOL,
    description=(
        "true: start the file with a UTF-8 byte-order mark, so that Excel reads its ’, – and accents right. "
        "The importer reads the file either way."
    ),
    default=False,
)


def wants_bom(request: Request) -> bool:
    raw = request.query_params.get("bom", "").lower()
    if raw not in _TRUE | _FALSE:
        raise ValidationError({"bom": [_("Must be true or false.")]})
    return raw in _TRUE


class CSVExportView(ExportView):
    """Every matching recommendation as CSV in the generic table format (UTF-8, `;`-separated lists);
    `?bom=true` for Excel."""

    @_export_schema("text/csv", "CSV, one row per recommendation, header first.", parameters=[BOM_PARAMETER])
    def get(self, request: Request) -> StreamingHttpResponse:
        bom = wants_bom(request)
        queryset = self.filter_queryset(self.get_queryset())
        self.refuse_above(queryset, self.anonymous_limit())
        rows = exporting.export_rows(queryset, chunk_size=CHUNK_SIZE)
        lines = exporting.batched(exporting.csv_lines(rows))
        if bom:
            lines = itertools.chain([BOM], lines)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        return _attachment(response, "csv")


class JSONLinesExportView(ExportView):
    """Every matching recommendation as JSON Lines: one API representation per line."""

    @_export_schema("application/jsonl", "One JSON object per line, as the recommendation detail.", as_bytes=True)
    def get(self, request: Request) -> StreamingHttpResponse:
        queryset = self.filter_queryset(self.get_queryset())
        self.refuse_above(queryset, self.anonymous_limit())
        representations = streamed_representations(queryset, request, chunk_size=CHUNK_SIZE)
        lines = exporting.batched(json_lines(representations))
        content_type = _content_type(request, "application/jsonl; charset=utf-8")
        response = StreamingHttpResponse(lines, content_type=content_type)
        return _attachment(response, "jsonl")


def json_lines(objects: Iterator[dict]) -> Iterator[str]:
    # The representations hold only JSON's own types: the standard encoder writes them as DRF's would.
    for obj in objects:
        yield json.dumps(obj) + "\n"


class XLSXExportView(ExportView):
    """Matching recommendations as an XLSX workbook in the generic table format, at most 100,000 rows."""

    @_export_schema(XLSX_TYPE, "XLSX workbook in the generic table format.", OpenApiTypes.BINARY, as_bytes=True)
    def get(self, request: Request) -> FileResponse:
        queryset = self.filter_queryset(self.get_queryset())
        message = ngettext(
            "More than %(limit)s recommendation matches: narrow the filters or use export.csv, which has no limit.",
            "More than %(limit)s recommendations match: narrow the filters or use export.csv, which has no limit.",
            XLSX_MAX_ROWS,
        )
        xlsx_limit = (XLSX_MAX_ROWS, message % {"limit": number_format(XLSX_MAX_ROWS, force_grouping=True)})
        # One COUNT, against the lower limit (the anonymous one when they are equal).
        self.refuse_above(queryset, min(filter(None, (self.anonymous_limit(), xlsx_limit)), key=lambda limit: limit[0]))
        stream = tempfile.TemporaryFile()
        exporting.write_xlsx(exporting.export_rows(queryset, chunk_size=CHUNK_SIZE), stream)
        stream.seek(0)
        response = FileResponse(stream, content_type=_content_type(request, XLSX_TYPE))
        return _attachment(response, "xlsx")
