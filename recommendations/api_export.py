"""Exports of a recommendation search: /api/v1/recommendations/export.csv, .jsonl and .xlsx.

Same filters and ordering as the list. CSV and XLSX use the generic table
format of recommendations/exporting.py (what the table importer reads back);
JSON Lines uses the API's own recommendation representation, one object per
line. CSV and JSON Lines stream from a server-side cursor in chunks of 2,000
rows, so memory stays flat; XLSX is built on disk in write-only mode and
refused above XLSX_MAX_ROWS.
"""

import datetime
import json
import tempfile
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.utils.encoders import JSONEncoder

from recommendations import exporting
from recommendations.api import recommendations_with_related
from recommendations.api_base import FilterBackend
from recommendations.api_schema import filterset_parameters
from recommendations.filters import RecommendationFilterSet
from recommendations.models import Recommendation
from recommendations.serializers import RecommendationSerializer

CHUNK_SIZE = exporting.CHUNK_SIZE
XLSX_MAX_ROWS = 100_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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

    def get_queryset(self) -> QuerySet:
        return Recommendation.objects.all()


def _export_schema(media_type: str, description: str, kind=OpenApiTypes.STR):
    return extend_schema(
        parameters=filterset_parameters(RecommendationFilterSet),
        responses={(200, media_type): OpenApiResponse(kind, description=description)},
        tags=["recommendations"],
    )


class CSVExportView(ExportView):
    """Every matching recommendation as CSV in the generic table format (UTF-8, `;`-separated lists)."""

    @_export_schema("text/csv", "CSV, one row per recommendation, header first.")
    def get(self, request: Request) -> StreamingHttpResponse:
        rows = exporting.export_rows(self.filter_queryset(self.get_queryset()), chunk_size=CHUNK_SIZE)
        lines = exporting.batched(exporting.csv_lines(rows))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        return _attachment(response, "csv")


class JSONLinesExportView(ExportView):
    """Every matching recommendation as JSON Lines: one API representation per line."""

    @_export_schema("application/jsonl", "One JSON object per line, as the recommendation detail.")
    def get(self, request: Request) -> StreamingHttpResponse:
        queryset = self.filter_queryset(recommendations_with_related())
        lines = exporting.batched(self.lines(queryset))
        response = StreamingHttpResponse(lines, content_type="application/jsonl; charset=utf-8")
        return _attachment(response, "jsonl")

    def lines(self, queryset: QuerySet) -> Iterator[str]:
        serializer = RecommendationSerializer(context=self.get_serializer_context())
        for recommendation in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield json.dumps(serializer.to_representation(recommendation), cls=JSONEncoder) + "\n"


class XLSXExportView(ExportView):
    """Matching recommendations as an XLSX workbook in the generic table format, at most 100,000 rows."""

    @_export_schema(XLSX_TYPE, "XLSX workbook in the generic table format.", OpenApiTypes.BINARY)
    def get(self, request: Request) -> FileResponse:
        queryset = self.filter_queryset(self.get_queryset())
        if queryset.order_by()[: XLSX_MAX_ROWS + 1].count() > XLSX_MAX_ROWS:
            raise ValidationError(
                {
                    "detail": [
                        f"More than {XLSX_MAX_ROWS:,} recommendations match: narrow the filters "
                        "or use export.csv, which has no limit."
                    ]
                }
            )
        stream = tempfile.TemporaryFile()
        exporting.write_xlsx(exporting.export_rows(queryset, chunk_size=CHUNK_SIZE), stream)
        stream.seek(0)
        response = FileResponse(stream, content_type=XLSX_TYPE)
        return _attachment(response, "xlsx")
