"""Recommendations as rows of the generic table, the format recommendations/importers/table.py reads.

export_rows() is a generator shared by every export: a streaming CSV response
(csv_lines), an XLSX file (write_xlsx) and, later, the API's export endpoints.
It reads the recommendations with a server-side cursor in chunks; each chunk
costs the same queries whatever its size (the rows, then one query per
prefetched relation), so memory stays flat however many rows are exported.
What it writes imports back to the same data.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.db.models import Prefetch, QuerySet

from recommendations.importers.table import COLUMNS, LIST_SEPARATOR
from recommendations.models import SDG, AffectedGroup, Recommendation, Theme
from states.models import State

CHUNK_SIZE = 2000
SEPARATOR = f"{LIST_SEPARATOR} "


def export_queryset(queryset: QuerySet[Recommendation] | None = None) -> QuerySet[Recommendation]:
    """The recommendations with everything a row shows, related lists in a stable order.

    A given queryset keeps its filters and ordering; its prefetches are replaced by these.
    """
    queryset = Recommendation.objects.order_by("review_id", "id") if queryset is None else queryset
    return (
        queryset.select_related("review__state", "review__session__cycle")
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("recommending_states", queryset=State.objects.only("id", "iso3").order_by("iso3")),
            Prefetch("themes", queryset=Theme.objects.select_related("scheme").order_by("scheme__slug", "name")),
            Prefetch("affected_groups", queryset=AffectedGroup.objects.order_by("name")),
            Prefetch("sdgs", queryset=SDG.objects.order_by("number")),
        )
    )


def export_rows(
    queryset: QuerySet[Recommendation] | None = None, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[object]]:
    """The header, then one row per recommendation (values are str or int, "" when empty)."""
    yield list(COLUMNS)
    for recommendation in export_queryset(queryset).iterator(chunk_size=chunk_size):
        yield recommendation_row(recommendation)


def template_rows() -> list[list[object]]:
    """A blank template: the header only."""
    return [list(COLUMNS)]


def recommendation_row(recommendation: Recommendation) -> list[object]:
    review = recommendation.review
    values = {
        "paragraph": recommendation.paragraph,
        "text": recommendation.text,
        "state_under_review": review.state.iso3,
        "recommending_states": SEPARATOR.join(state.iso3 for state in recommendation.recommending_states.all()),
        "session": review.session.number,
        "response": recommendation.response,
        "action_category": recommendation.action_category or "",
        "themes": SEPARATOR.join(theme_label(theme) for theme in recommendation.themes.all()),
        "affected_groups": SEPARATOR.join(_list_item(g.name, g.slug) for g in recommendation.affected_groups.all()),
        "sdgs": SEPARATOR.join(str(sdg.number) for sdg in recommendation.sdgs.all()),
        "id": recommendation.pk,
        "cycle": review.session.cycle.number,
        "status": recommendation.current_status,
        "updated_at": recommendation.updated_at.isoformat(),
        "response_source": recommendation.response_source,
        "kind": recommendation.kind,
    }
    return [values[column] for column in COLUMNS]


def theme_label(theme: Theme) -> str:
    """ "upr-info:Women's rights": the scheme always, so a name both schemes use stays unambiguous."""
    return f"{theme.scheme.slug}:{_list_item(theme.name, theme.slug)}"


def _list_item(name: str, slug: str) -> str:
    # A name with the list separator in it cannot be read back; its slug can.
    return slug if LIST_SEPARATOR in name else name


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[object]]) -> Iterator[str]:
    """CSV lines (UTF-8 text) for a StreamingHttpResponse."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(row)


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
