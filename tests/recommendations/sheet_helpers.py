"""Building and reading assessment sheets in tests: real CSV and XLSX files, as an editor's spreadsheet saves them."""

import csv
import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from recommendations import services
from recommendations.imports.assessments import COLUMNS, sheet_rows
from recommendations.imports.export import csv_lines, write_xlsx
from recommendations.models import EvidenceSource, Publication

D = datetime.date


def sheet_csv(rows: list[dict[str, object]], columns=COLUMNS) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    writer.writerows([row.get(column, "") for column in columns] for row in rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


def sheet_xlsx(rows: list[dict[str, object]], columns=COLUMNS) -> io.BytesIO:
    workbook = Workbook()
    workbook.active.append(list(columns))
    for row in rows:
        workbook.active.append([row.get(column) for column in columns])
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def exported(organisation, user, query=None) -> list[dict[str, str]]:
    """The export as an editor's spreadsheet reads it back: a CSV file, parsed."""
    text = "".join(csv_lines(sheet_rows(organisation, user, query=query)))
    return list(csv.DictReader(io.StringIO(text)))


def exported_xlsx(organisation, user, query=None) -> io.BytesIO:
    stream = io.BytesIO()
    write_xlsx(sheet_rows(organisation, user, query=query), stream)
    stream.seek(0)
    return stream


def xlsx_dicts(stream: io.BytesIO) -> list[dict[str, object]]:
    sheet = load_workbook(stream).worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def recorded(review_kaz_2010, make_recommendation, org_a, org_b, editor_a):
    """Two recommendations of Kazakhstan with A's draft and published assessments, B's draft, and one left
    unassessed; A's evidence library holds a report by URL."""
    defenders = make_recommendation(review_kaz_2010, "Protect human rights defenders", paragraph="93.1")
    press = make_recommendation(review_kaz_2010, "Decriminalise defamation", paragraph="93.2")
    torture = make_recommendation(review_kaz_2010, "Investigate torture", paragraph="93.3")
    report = EvidenceSource.objects.create(organisation=org_a, title="World Report 2014", url="https://hrw.org/wr2014")

    def record(recommendation, organisation, state, narrative, citations=(), recorded_by=editor_a):
        return services.record_assessment(
            recommendation=recommendation,
            status="not_implemented",
            assessed_on=D(2014, 1, 1),
            organisation=organisation,
            narrative=narrative,
            recorded_by=recorded_by,
            state=state,
            citations=citations,
        )

    return {
        "defenders": defenders,
        "press": press,
        "torture": torture,
        "report": report,
        "draft": record(defenders, org_a, Publication.DRAFT, "Draft of A", [(report, "p. 3 excerpt", "3")]),
        "published": record(press, org_a, Publication.PUBLISHED, "Published by A"),
        "b_draft": record(defenders, org_b, Publication.DRAFT, "Draft of B", recorded_by=None),
    }
