"""Builders of small import files in the real formats, written in code by the tests that use them."""

import csv
import io
import zipfile
from collections.abc import Sequence

import pytest

UPR_INFO_HEADER = [
    "To",
    "To-Rgrp",
    "To-Org",
    "Text",
    "From",
    "From-Rgrp",
    "From-Org",
    "Response",
    "Action",
    "Issue",
    "Session",
]


def if_match(obj) -> dict:
    """Test-client arguments sending the object's current version as If-Match, as a client that just read it."""
    from recommendations.api.writes import version_etag

    return {"HTTP_IF_MATCH": version_etag(obj)}


def upr_info_row(
    text: str,
    *,
    to: str = "Kazakhstan",
    source: str = "Norway",
    response: str = "Accepted",
    action: str = "5",
    issues: str = "Human rights defenders",
    session: str = "7",
) -> list[str]:
    """One UPR Info export row; the regional group and organisation columns are filler, as the importer ignores them."""
    return [to, "Asia", "OIC", text, source, "WEOG", "", response, action, issues, session]


def upr_info_csv(
    rows: Sequence[Sequence[str]],
    *,
    encoding: str = "utf-8",
    newline: str = "\n",
    header: Sequence[str] = UPR_INFO_HEADER,
) -> io.BytesIO:
    """A UPR Info export, encoded and line-ended as asked (the real files: mac_roman with "\\r")."""
    text = io.StringIO()
    csv.writer(text, lineterminator=newline).writerows([header, *rows])
    return io.BytesIO(text.getvalue().encode(encoding))


def table_csv(rows: Sequence[dict[str, object]], *, columns: Sequence[str] | None = None) -> io.BytesIO:
    from recommendations.imports.table import REQUIRED_COLUMNS

    columns = list(columns or REQUIRED_COLUMNS)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    writer.writerows([row.get(column, "") for column in columns] for row in rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


def table_xlsx(rows: Sequence[Sequence[object]]) -> io.BytesIO:
    """An XLSX workbook whose first sheet holds `rows` (the header first)."""
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


NEW_HEADER = ["Recommendation", "Position", "Full list of themes", "Assessment/comments on level of implementation"]
OLD_HEADER = [
    "Recommendation and recommending State",
    "Position of the State under review",
    "Human rights themes and groups of persons",
    "Relevant SDGs",
]


def ohchr_list_docx(header: Sequence[str] | None, rows: Sequence[object] = ()) -> io.BytesIO:
    """An OHCHR thematic list: `rows` are lists of cell texts, or a string for a "Theme: …" row spanning the table.

    Line breaks in a cell become paragraphs, as in the real lists. Without a header, a document without a table.
    """
    import docx

    document = docx.Document()
    document.add_paragraph("Thematic list of recommendations")
    if header is None:
        return _saved(document)
    table = document.add_table(rows=0, cols=len(header))
    _fill(table.add_row(), header)
    for row in rows:
        cells = table.add_row().cells
        if isinstance(row, str):
            merged = cells[0].merge(cells[-1])
            merged.text = row
        else:
            _fill_cells(cells, row)
    return _saved(document)


def _saved(document) -> io.BytesIO:
    stream = io.BytesIO()
    document.save(stream)
    stream.seek(0)
    return stream


def zip_bomb(kind: str = "docx", *, megabytes: int = 200) -> io.BytesIO:
    """A DOCX or XLSX of a few hundred KB whose main part unpacks to `megabytes` of zeros.

    Written 1 MB at a time, so the test never holds the unpacked part in memory.
    """
    parts = {"docx": ["word/document.xml"], "xlsx": ["xl/workbook.xml", "xl/worksheets/sheet1.xml"]}[kind]
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name in parts[:-1]:
            archive.writestr(name, "<workbook/>")
        with archive.open(parts[-1], "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(bytes(1 << 20))
    stream.seek(0)
    return stream


def with_extra_parts(document: io.BytesIO, count: int) -> io.BytesIO:
    """The DOCX or XLSX with `count` more (empty) parts added."""
    stream = io.BytesIO(document.getvalue())
    with zipfile.ZipFile(stream, "a") as archive:
        for number in range(count):
            archive.writestr(f"extra/part{number}.xml", "")
    stream.seek(0)
    return stream


def _fill(row, texts: Sequence[str]) -> None:
    _fill_cells(row.cells, texts)


def _fill_cells(cells, texts: Sequence[str]) -> None:
    for cell, text in zip(cells, texts, strict=False):
        lines = text.split("\n")
        cell.text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)


@pytest.fixture
def import_file(db):
    """Run the import service on an in-memory file."""
    from recommendations.imports import import_recommendations

    def run(file, **options):
        file.seek(0)
        return import_recommendations(file=file, **options)

    return run
