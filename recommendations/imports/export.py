"""Recommendations as rows of the generic table, the format recommendations/imports/table.py reads.

export_rows() is a generator shared by every export: a streaming CSV response
(csv_lines), an XLSX file (write_xlsx) and the API's export endpoints. It is
one SQL query, read through a server-side cursor in chunks: each row brings
its related lists as arrays of ids (`ARRAY(SELECT …)` subqueries), labelled
and ordered from the few hundred labels of the reference tables held in memory
(lookups.py), so no model instance is built and nothing is looked up per row.
Memory stays flat however many rows are exported. What it writes imports
back to the same data.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, QuerySet

from core.localized import language_key
from recommendations.imports.table import COLUMNS, LIST_SEPARATOR, NAME_COLUMNS, quote_formula
from recommendations.models import Recommendation
from recommendations.search import lookups

# An XLSX workbook is built in memory: larger exports are refused (CSV and JSON Lines stream without a limit).
XLSX_MAX_ROWS = 100_000

CHUNK_SIZE = 2000
SEPARATOR = f"{LIST_SEPARATOR} "

_Through = Recommendation.recommending_states.through
_ThemeThrough = Recommendation.themes.through
_GroupThrough = Recommendation.affected_groups.through
_SdgThrough = Recommendation.sdgs.through


def _ids(through, column: str) -> ArraySubquery:
    """The row's linked ids: an index-only scan of the link table's unique (recommendation, id) index.

    Labelling and ordering them in the database joined the labels' table for every row, and the
    planner chose to hash the whole States table each time, which made the export much slower
    (bench/NOTES.md): they are labelled from the reference tables in memory instead (_Labels).
    """
    return ArraySubquery(through.objects.filter(recommendation_id=OuterRef("pk")).values(column))


# Column of the table -> expression of the row query.
_EXPRESSIONS = {
    "state_under_review": F("review__state__iso3"),
    "recommending_states": _ids(_Through, "state_id"),
    "session": F("review__session__number"),
    "themes": _ids(_ThemeThrough, "theme_id"),
    "affected_groups": _ids(_GroupThrough, "affectedgroup_id"),
    "sdgs": _ids(_SdgThrough, "sdg_id"),
    "cycle": F("review__session__cycle__number"),
    "status": F("current_status"),
}
# Name column -> the code column it names (computed from the code's value, not queried).
_NAMES = {name: column for column, name in NAME_COLUMNS.items()}
_QUERIED = [column for column in COLUMNS if column not in _NAMES]
_FIELDS = {column: f"export_{column}" if column in _EXPRESSIONS else column for column in _QUERIED}
_FIELDS["id"] = "id"
_LISTS = ("recommending_states", "themes", "affected_groups", "sdgs")


def _list_label(name: str, slug: str) -> str:
    # A name with the list separator in it cannot be read back; its slug can.
    return slug if LIST_SEPARATOR in name else name


class _Labels:
    """Per list column: linked id -> (sort key, label), from the reference tables in memory (lookups.py)."""

    def __init__(self) -> None:
        reference = lookups.current()
        self.columns = {
            "recommending_states": {pk: (iso3, iso3) for pk, (_p, iso3, _name) in reference.states.items()},
            "themes": {
                pk: ((theme["scheme"], theme["name"]), f"{theme['scheme']}:{_list_label(theme['name'], theme['slug'])}")
                for pk, (_p, theme) in reference.themes.items()
            },
            "affected_groups": {
                pk: (name, _list_label(name, slug)) for pk, (_p, slug, name) in reference.affected_groups.items()
            },
            "sdgs": {pk: (number, str(number)) for pk, (_p, number, _name) in reference.sdgs.items()},
        }
        # Names in the active language (the request's), in the order of the codes they stand beside.
        language = language_key()
        named = (reference.in_language(language) if language else reference).states
        self.columns["recommending_state_names"] = {pk: (iso3, name) for pk, (_p, iso3, name) in named.items()}
        self.state_names = {iso3: name for _p, iso3, name in named.values()}

    def join(self, column: str, ids: list[int]) -> str:
        labels = self.columns[column]
        return SEPARATOR.join(label for _key, label in sorted(labels[pk] for pk in ids))


def export_queryset(queryset: QuerySet[Recommendation] | None = None) -> QuerySet:
    """Values rows in COLUMNS order, related lists as arrays of ids; a given queryset keeps its filters and
    ordering."""
    queryset = Recommendation.objects.order_by("review_id", "id") if queryset is None else queryset
    annotations = {_FIELDS[column]: expression for column, expression in _EXPRESSIONS.items()}
    return queryset.prefetch_related(None).annotate(**annotations).values_list(*_FIELDS.values())


def export_rows(
    queryset: QuerySet[Recommendation] | None = None, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[object]]:
    """The header, then one row per recommendation (values are str or int, "" when empty).

    The labels are read when this is called, within the request's reads (a streamed response's rows
    come after the view has returned); the rows as they are consumed.
    """
    return _rows(export_queryset(queryset), _Labels(), chunk_size)


def _rows(queryset: QuerySet, labels: _Labels, chunk_size: int) -> Iterator[list[object]]:
    yield list(COLUMNS)
    for values in queryset.iterator(chunk_size=chunk_size):
        yield _row(values, labels)


def _row(values: tuple, labels: _Labels) -> list[object]:
    queried = dict(zip(_QUERIED, values, strict=True))
    row = []
    for column in COLUMNS:
        value = queried.get(column)
        if column == "state_under_review_name":
            value = labels.state_names.get(queried["state_under_review"], "")
        elif column == "recommending_state_names":
            value = labels.join(column, queried["recommending_states"])
        elif column in _LISTS:
            value = labels.join(column, value)
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
    spreadsheets show as text; the table importer removes it again (imports/table.py, quote_formula).
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
