import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from recommendations import services
from recommendations.imports.assessments import import_assessments
from recommendations.imports.base import ImportFileError
from recommendations.models import EvidenceSource, ImplementationAssessment, Publication
from tests.recommendations import sheet_helpers
from tests.recommendations.conftest import zip_bomb
from tests.recommendations.sheet_helpers import exported, exported_xlsx, sheet_csv, sheet_xlsx

pytestmark = pytest.mark.django_db
HEADER = b"assessment_id,recommendation_id,status,assessed_on,narrative,publication_state,version,evidence_urls\n"
recorded = sheet_helpers.recorded  # the fixture


def run(file, organisation, user, **options):
    return import_assessments(file=file, organisation=organisation, user=user, **options)


def snapshot() -> list[tuple]:
    """Every assessment and citation as stored, with the number of history rows (to see that nothing moved)."""
    assessments = list(
        ImplementationAssessment.objects.order_by("pk").values_list("pk", "version", "narrative", "state")
    )
    return [assessments, EvidenceSource.objects.count(), ImplementationAssessment.history.count()]


def edited_xlsx(organisation, user, edit) -> io.BytesIO:
    """The XLSX export, changed by `edit(rows by paragraph)` as an editor would in a spreadsheet, saved."""
    workbook = load_workbook(exported_xlsx(organisation, user, query={"state_under_review": "KAZ"}))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rows = {
        row[header.index("paragraph")].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)
    }
    edit(rows)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def fill_in_torture(rows):
    rows["93.3"]["status"].value = "partially_implemented"
    rows["93.3"]["assessed_on"].value = datetime.datetime(2015, 3, 1)  # a date cell, as a spreadsheet stores it
    rows["93.3"]["narrative"].value = "Some cases were investigated."
    rows["93.3"]["evidence_urls"].value = "https://hrw.org/wr2014; https://news.example.org/torture"
    rows["93.3"]["evidence_titles"].value = "World Report 2014; Trial opens"


def edit_draft(rows):
    rows["93.1"]["narrative"].value = "Draft of A, revised offline"


# The round trip ------------------------------------------------------------------------------------------------


def test_an_edited_xlsx_export_updates_the_draft_and_records_the_filled_in_row(recorded, org_a, editor_a):
    file = edited_xlsx(org_a, editor_a, lambda rows: (edit_draft(rows), fill_in_torture(rows)))
    result = run(file, org_a, editor_a)
    assert result.counts() == {
        **result.counts(),
        "rows": 3,
        "created": 1,
        "updated": 1,
        "unchanged": 1,
        "skipped": 0,
        "evidence_created": 1,
    }
    draft = ImplementationAssessment.objects.get(pk=recorded["draft"].pk)
    assert (draft.narrative, draft.version, draft.state) == ("Draft of A, revised offline", 2, Publication.DRAFT)
    assert draft.history.first().history_user == editor_a
    assert draft.citations.get().excerpt == "p. 3 excerpt"  # an unchanged citation keeps its excerpt
    new = ImplementationAssessment.objects.get(recommendation=recorded["torture"])
    assert (new.status, new.assessed_on, new.state, new.recorded_by) == (
        "partially_implemented",
        datetime.date(2015, 3, 1),
        Publication.DRAFT,
        editor_a,
    )
    # The library's report is reused; the news article is a new source of the organisation.
    assert {(c.evidence.title, c.evidence.organisation) for c in new.citations.all()} == {
        ("World Report 2014", org_a),
        ("Trial opens", org_a),
    }
    assert new.citations.get(evidence=recorded["report"])


def test_importing_the_same_file_again_changes_nothing(recorded, org_a, editor_a):
    file = edited_xlsx(org_a, editor_a, lambda rows: (edit_draft(rows), fill_in_torture(rows)))
    run(file, org_a, editor_a)
    before = snapshot()
    result = run(file, org_a, editor_a)
    assert (result.created, result.updated, result.unchanged, result.skipped) == (0, 0, 3, 0)
    assert snapshot() == before


def test_an_unedited_csv_export_imports_as_unchanged(recorded, org_a, editor_a):
    file = sheet_csv(exported(org_a, editor_a, query={"state_under_review": "KAZ"}))
    before = snapshot()
    result = run(file, org_a, editor_a)
    assert (result.rows, result.unchanged, result.blank, result.written) == (3, 2, 1, True)
    assert snapshot() == before


def test_a_dry_run_counts_exactly_and_writes_nothing(recorded, org_a, editor_a):
    file = edited_xlsx(org_a, editor_a, lambda rows: (edit_draft(rows), fill_in_torture(rows)))
    before = snapshot()
    result = run(file, org_a, editor_a, dry_run=True)
    assert (result.created, result.updated, result.evidence_created, result.written) == (1, 1, 1, False)
    assert snapshot() == before


# Conflicts and permissions -------------------------------------------------------------------------------------


def test_a_row_based_on_an_older_version_is_a_conflict_and_nothing_is_written(recorded, org_a, editor_a, reviewer_a):
    file = edited_xlsx(org_a, editor_a, lambda rows: (edit_draft(rows), fill_in_torture(rows)))
    services.update_assessment(assessment=recorded["draft"], narrative="A colleague's edit", user=reviewer_a)
    before = snapshot()
    result = run(file, org_a, editor_a)
    assert [(p.row, p.column) for p in result.errors] == [("2", "version")]
    assert "version 1 in the file, 2 now" in result.errors[0].message
    assert (result.conflicts, result.written) == (1, False)
    assert snapshot() == before
    assert ImplementationAssessment.objects.get(pk=recorded["draft"].pk).narrative == "A colleague's edit"


def test_skip_invalid_writes_the_other_rows_and_leaves_the_conflict_alone(recorded, org_a, editor_a, reviewer_a):
    file = edited_xlsx(org_a, editor_a, lambda rows: (edit_draft(rows), fill_in_torture(rows)))
    services.update_assessment(assessment=recorded["draft"], narrative="A colleague's edit", user=reviewer_a)
    result = run(file, org_a, editor_a, skip_invalid=True)
    assert (result.created, result.skipped, result.written) == (1, 1, True)
    assert ImplementationAssessment.objects.get(pk=recorded["draft"].pk).narrative == "A colleague's edit"


def edit_published(rows):
    rows["93.2"]["narrative"].value = "Published by A, with news"


def test_an_editor_changing_a_published_assessment_proposes_a_revision(recorded, org_a, editor_a):
    file = edited_xlsx(org_a, editor_a, edit_published)
    result = run(file, org_a, editor_a)
    assert result.proposed == 1
    published = ImplementationAssessment.objects.get(pk=recorded["published"].pk)
    assert (published.narrative, published.version) == ("Published by A", 1)  # stays public as it was
    revision = published.revisions.get()
    assert (revision.narrative, revision.state) == ("Published by A, with news", Publication.SUBMITTED)
    before = snapshot()
    assert run(file, org_a, editor_a).proposed == 0  # proposed once, whatever the number of imports
    assert snapshot() == before


def test_a_reviewer_changes_a_published_assessment_in_place(recorded, org_a, reviewer_a):
    result = run(edited_xlsx(org_a, reviewer_a, edit_published), org_a, reviewer_a)
    assert (result.updated, result.proposed) == (1, 0)
    published = ImplementationAssessment.objects.get(pk=recorded["published"].pk)
    assert (published.narrative, published.version, published.state) == ("Published by A, with news", 2, "published")


def test_only_reviewers_publish_through_a_sheet(recorded, org_a, editor_a, reviewer_a):
    def publish(rows):
        rows["93.1"]["publication_state"].value = "published"
        fill_in_torture(rows)
        rows["93.3"]["publication_state"].value = "submitted"

    result = run(edited_xlsx(org_a, editor_a, publish), org_a, editor_a)
    assert [(p.row, p.column) for p in result.errors] == [("2", "publication_state")]
    assert not result.written
    result = run(edited_xlsx(org_a, reviewer_a, publish), org_a, reviewer_a)
    assert result.errors == []
    assert ImplementationAssessment.objects.get(pk=recorded["draft"].pk).state == Publication.PUBLISHED
    assert ImplementationAssessment.objects.get(recommendation=recorded["torture"]).state == Publication.SUBMITTED


def test_an_editor_of_another_organisation_cannot_import_into_its_assessments(recorded, org_a, org_b, editor_b):
    rows = exported(org_a, recorded["draft"].recorded_by)
    for row in rows:
        row["narrative"] = "Overwritten by B"
    before = snapshot()
    with pytest.raises(ImportFileError, match="does not edit for Defenders Watch"):
        run(sheet_csv(rows), org_a, editor_b)
    # Into B, A's rows are refused row by row, whether B may see them or not.
    result = run(sheet_csv([{**row, "organisation": ""} for row in rows]), org_b, editor_b)
    assert [(p.row, p.column) for p in result.errors] == [("2", "assessment_id"), ("3", "assessment_id")]
    assert "Assembly Monitor has no assessment" in result.errors[0].message
    assert snapshot() == before


def test_a_row_of_another_organisation_is_refused(recorded, org_a, org_b, editor_b):
    rows = exported(org_a, recorded["draft"].recorded_by)
    result = run(sheet_csv(rows), org_b, editor_b)
    assert {p.column for p in result.errors} == {"organisation"}


def test_a_url_of_another_organisations_private_source_is_not_reused(recorded, org_a, org_b, editor_a):
    EvidenceSource.objects.create(organisation=org_b, title="B's secret", url="https://b.example.org/secret")
    row = {
        "recommendation_id": recorded["torture"].pk,
        "status": "not_implemented",
        "assessed_on": "2015-01-01",
        "evidence_urls": "https://b.example.org/secret",
    }
    run(sheet_csv([row]), org_a, editor_a)
    cited = ImplementationAssessment.objects.get(recommendation=recorded["torture"]).citations.get().evidence
    assert (cited.organisation, cited.title) == (org_a, "https://b.example.org/secret")


# Bad rows and hostile files ------------------------------------------------------------------------------------


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(recorded, org_a, editor_a):
    good = {"recommendation_id": recorded["torture"].pk, "status": "not_implemented", "assessed_on": "2015-01-01"}
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    rows = [
        good,
        {**good, "recommendation_id": 999999},
        {**good, "status": "done", "assessed_on": "2015-01-02"},
        {**good, "assessed_on": tomorrow},
        {**good, "assessed_on": "01/02/2015"},
        {**good, "assessed_on": "2015-01-03", "narrative": "x" * 20_001},
        {**good, "assessed_on": "2015-01-04", "evidence_urls": "javascript:alert(1)"},
        {**good, "assessment_id": "abc", "version": "1"},
        {**good, "assessed_on": "2015-01-01"},
    ]
    before = snapshot()
    result = run(sheet_csv(rows), org_a, editor_a)
    assert [(p.row, p.column) for p in result.errors] == [
        ("3", "recommendation_id"),
        ("4", "status"),
        ("5", "assessed_on"),
        ("6", "assessed_on"),
        ("7", "narrative"),
        ("8", "evidence_urls"),
        ("9", "assessment_id"),
        ("10", "assessed_on"),
    ]
    assert "Unknown recommendation id 999999" in result.errors[0].message
    assert "This date is after today" in result.errors[2].message
    assert (result.skipped, result.written) == (8, False)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01binary\x00", "binary"),
        (b"PK\x03\x04 truncated", "damaged or truncated"),
        (zip_bomb("xlsx").getvalue(), "unpack|compressed"),
        (b"paragraph,text\n93.1,Protect\n", "not an assessment sheet"),
        (HEADER + b'1,1,not_implemented,2015-01-01,"' + b"x" * 200_000 + b'",,1,\n', "malformed near line"),
    ],
)
def test_a_hostile_or_malformed_file_gets_a_clear_report(recorded, org_a, editor_a, data, message):
    before = snapshot()
    with pytest.raises(ImportFileError, match=message):
        run(io.BytesIO(data), org_a, editor_a)
    assert snapshot() == before


def test_an_xlsx_sheet_with_typed_cells_imports(recorded, org_a, editor_a):
    row = {
        "recommendation_id": recorded["torture"].pk,
        "status": "Fully implemented",
        "assessed_on": datetime.date(2016, 5, 1),
    }
    result = run(sheet_xlsx([row]), org_a, editor_a)
    assert result.created == 1
    assert ImplementationAssessment.objects.get(recommendation=recorded["torture"]).status == "fully_implemented"


# The command ---------------------------------------------------------------------------------------------------


def test_the_command_imports_dry_runs_and_reports_by_row(recorded, org_a, editor_a, editor_b, tmp_path, capsys):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(edited_xlsx(org_a, editor_a, lambda rows: (edit_draft(rows), fill_in_torture(rows))).getvalue())
    options = ["--organisation", "defenders-watch", "--user", "editor-a"]
    before = snapshot()
    call_command("import_assessments", path, *options, "--dry-run")
    out = capsys.readouterr().out
    # The recommendation importer's words: what it would do, then that nothing was.
    assert "Dry run: nothing was imported." in out
    assert "3 rows: would create 1, update 1," in out
    assert snapshot() == before
    call_command("import_assessments", path, *options)
    assert "1 created, 1 updated" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        sheet_csv([{"recommendation_id": 999999, "status": "not_implemented", "assessed_on": "2015-01-01"}]).getvalue()
    )
    with pytest.raises(CommandError, match="1 invalid row: nothing was imported"):
        call_command("import_assessments", bad, *options, "--report", tmp_path / "report.csv")
    assert "2,recommendation_id,error,Unknown recommendation id 999999." in (tmp_path / "report.csv").read_text()
    with pytest.raises(CommandError, match="editor-b does not edit for Defenders Watch"):
        call_command("import_assessments", path, "--organisation", "defenders-watch", "--user", "editor-b")
