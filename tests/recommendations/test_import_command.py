import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from recommendations.models import Recommendation
from tests.recommendations.conftest import (
    NEW_HEADER,
    ohchr_list_docx,
    table_csv,
    table_xlsx,
    upr_info_csv,
    upr_info_row,
    zip_bomb,
)

pytestmark = pytest.mark.django_db

ROWS = [upr_info_row("Protect defenders"), upr_info_row("Free the press", source="France")]


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def export_file(tmp_path, rows=ROWS, name="export.csv"):
    return write(tmp_path, name, upr_info_csv(rows, encoding="mac_roman", newline="\r").getvalue())


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_recommendations", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_a_file_and_prints_the_summary(tmp_path):
    out, err = run(export_file(tmp_path))
    assert "upr-info: 2 rows: 2 created, 0 updated, 0 unchanged, 0 skipped, 0 duplicates, 0 merged in " in out
    assert out.endswith("Imported.\n")
    assert (err, Recommendation.objects.count()) == ("", 2)


def test_a_dry_run_writes_nothing_but_counts_exactly(tmp_path):
    out, _ = run(export_file(tmp_path), "--dry-run")
    assert "2 rows: would create 2, update 0, leave 0 unchanged, skip 0 invalid rows, " in out
    assert " created" not in out
    assert out.endswith("Dry run: nothing was imported.\n")
    assert Recommendation.objects.count() == 0


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = export_file(tmp_path)
    run(path)
    before = list(Recommendation.objects.order_by("id").values_list("id", "updated_at", "response"))
    out, _ = run(path)
    assert "2 rows: 0 created, 0 updated, 2 unchanged, 0 skipped, 0 duplicates" in out
    assert list(Recommendation.objects.order_by("id").values_list("id", "updated_at", "response")) == before


def test_a_corrected_file_updates_the_changed_fields_and_says_which(tmp_path):
    run(export_file(tmp_path))
    press = Recommendation.objects.get(text="Free the press")
    before = Recommendation.objects.get(text="Protect defenders").updated_at
    corrected = [
        ROWS[0],
        upr_info_row("Free the press", source="France", response="Noted", issues="Freedom of the press"),
    ]
    out, _ = run(export_file(tmp_path, corrected))
    assert "2 rows: 0 created, 1 updated, 1 unchanged" in out
    assert f"Updated (1):\n  row 3 (Kazakhstan — session 7, #{press.pk}): response, themes\n" in out
    press.refresh_from_db()
    assert press.response == "noted"
    assert list(press.themes.values_list("name", flat=True)) == ["Freedom of the press"]
    assert Recommendation.objects.get(text="Protect defenders").updated_at == before


def test_a_file_with_a_bad_row_writes_nothing(tmp_path):
    rows = [*ROWS, upr_info_row("Abolish torture", source="Frnace", action="9")]
    with pytest.raises(
        CommandError, match=r"^1 invalid row: nothing was imported \(fix them, or use --skip-invalid\)\.$"
    ):
        run(export_file(tmp_path, rows))
    assert Recommendation.objects.count() == 0


def test_a_refused_file_says_what_would_have_been_done_and_that_nothing_was(tmp_path):
    rows = [*ROWS, upr_info_row("Abolish torture", source="Frnace"), ROWS[0]]
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"^1 invalid row: nothing was imported"):
        call_command("import_recommendations", str(export_file(tmp_path, rows)), stdout=out, stderr=io.StringIO())
    assert (
        "upr-info: 4 rows: would create 2, update 0, leave 0 unchanged, skip 1 invalid row, "
        "import 1 exact duplicate once, merge 0 repeats with other themes into an earlier row in "
    ) in out.getvalue()
    assert "created" not in out.getvalue()


def test_skip_invalid_imports_the_valid_rows(tmp_path):
    rows = [*ROWS, upr_info_row("Abolish torture", source="Frnace")]
    out, err = run(export_file(tmp_path, rows), "--skip-invalid")
    assert "3 rows: 2 created, 0 updated, 0 unchanged, 1 skipped, 0 duplicates" in out
    assert "error: row 4, From: Unknown State 'Frnace'. Did you mean France?" in err
    assert Recommendation.objects.count() == 2


def test_the_report_lists_every_problem_by_row_and_column(tmp_path):
    rows = [
        *ROWS,
        upr_info_row("Abolish torture", source="Frnace", action="9"),
        upr_info_row("Protect defenders"),
        upr_info_row("Report on progress", source="&#40;Unknown&#41;"),
    ]
    report = tmp_path / "errors.csv"
    with pytest.raises(CommandError):
        run(export_file(tmp_path, rows), "--report", report)
    assert report.read_text(encoding="utf-8").splitlines() == [
        "row,column,level,message",
        "4,Action,error,\"Action category must be 1 to 5, not '9'.\"",
        "4,From,error,Unknown State 'Frnace'. Did you mean France?",
        "5,Text,warning,Exact duplicate of row 2: imported once.",
        "6,From,warning,Recommending State is (Unknown) in the source: imported without one.",
    ]


def test_unknown_states_come_with_suggestions(tmp_path):
    report = tmp_path / "errors.csv"
    with pytest.raises(CommandError):
        run(export_file(tmp_path, [upr_info_row("Abolish torture", source="Frnace")]), "--report", report)
    assert report.read_text(encoding="utf-8").splitlines()[1] == (
        "2,From,error,Unknown State 'Frnace'. Did you mean France?"
    )


def test_over_long_fields_are_row_errors(tmp_path):
    row = {"paragraph": "A/HRC/14/10 para 89.12", "text": "Do it", "state_under_review": "KAZ", "session": "7"}
    path = write(tmp_path, "table.csv", table_csv([row]).getvalue())
    with pytest.raises(CommandError):
        _, err = run(path)
    report = tmp_path / "errors.csv"
    with pytest.raises(CommandError):
        run(path, "--report", report)
    assert report.read_text().splitlines()[1] == "2,paragraph,error,Paragraph number longer than 20 characters."


def _zip(members: dict[str, bytes]) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return stream.getvalue()


def _xlsx_with_broken_sheet() -> bytes:
    original = zipfile.ZipFile(table_xlsx([["paragraph"]]))
    return _zip(
        {
            name: b"<sheetData><row" if name == "xl/worksheets/sheet1.xml" else original.read(name)
            for name in original.namelist()
        }
    )


def _truncated_zip() -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>" * 1000)
    return stream.getvalue()[:200]


@pytest.mark.parametrize(
    ("name", "data", "options", "message"),
    [
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00", [], "photo.csv: The file is binary, not a CSV text file."),
        (
            "other.csv",
            b"name,country\nA,B\n",
            [],
            "other.csv: Unrecognised columns name, country: expected a UPR Info export",
        ),
        ("empty.csv", b"", [], "empty.csv: Unrecognised columns (none)"),
        ("list.docx", _truncated_zip(), [], "list.docx: The file is a damaged or truncated ZIP archive"),
        (
            "list.docx",
            _zip({"word/document.xml": b"<x/>"}),
            ["--state", "SVN", "--session", "34"],
            "list.docx: The DOCX file cannot be read",
        ),
        ("sheet.xlsx", _xlsx_with_broken_sheet(), [], "sheet.xlsx: The XLSX file cannot be read"),
        (
            "list.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50,
            [],
            "list.doc: This is a legacy Word/Excel file",
        ),
        ("list.docx", ohchr_list_docx(NEW_HEADER, []).getvalue(), [], "list.docx: An OHCHR list covers one review"),
        (
            "list.docx",
            ohchr_list_docx(None).getvalue(),
            ["--state", "SVN", "--session", "34"],
            "list.docx: The DOCX file has no table",
        ),
        (
            "export.csv",
            upr_info_csv(ROWS).getvalue(),
            ["--state", "KAZ"],
            "export.csv: A UPR Info export names the State",
        ),
        (
            "export.csv",
            upr_info_csv(ROWS).getvalue(),
            ["--format", "ohchr-docx", "--state", "KAZ", "--session", "7"],
            "export.csv: The file is a damaged or truncated ZIP archive",
        ),
    ],
)
def test_malformed_files_are_clear_command_errors(tmp_path, name, data, options, message):
    with pytest.raises(CommandError) as error:
        run(write(tmp_path, name, data), *options)
    assert str(error.value).startswith(message)
    assert Recommendation.objects.count() == 0


def test_an_unwritable_report_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot write the report .*: No such file or directory"):
        run(export_file(tmp_path), "--report", tmp_path / "missing" / "errors.csv")


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*missing.csv: No such file or directory"):
        run(tmp_path / "missing.csv")


def test_a_progress_bar_shows_for_large_files(tmp_path, monkeypatch, capsys):
    from recommendations.management.commands import import_recommendations

    monkeypatch.setattr(import_recommendations, "PROGRESS_MIN_ROWS", 2)
    run(export_file(tmp_path))
    assert "2 rows" in capsys.readouterr().err


def test_a_second_import_at_the_same_time_is_refused(tmp_path):
    import psycopg
    from django.db import connection

    from recommendations.imports.service import IMPORT_LOCK

    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"], autocommit=True
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK])
        with pytest.raises(
            CommandError, match="export.csv: Another import is running: try again when it has finished."
        ):
            run(export_file(tmp_path))


def test_a_zip_bomb_is_refused_by_the_command_before_it_is_read(tmp_path):
    path = write(tmp_path, "list.docx", zip_bomb("docx", megabytes=200).getvalue())
    with pytest.raises(CommandError, match=r"^list\.docx: The file would unpack to 201 MB, more than the 100 MB"):
        run(path, "--state", "SVN", "--session", "34")
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [
        ("list.docx", "auto", "list.docx: The file is not a valid Word (.docx) document"),
        ("list.docx", "ohchr-docx", "list.docx: The file is not a valid Word (.docx) document"),
        ("table.xlsx", "auto", "table.xlsx: The file is not a valid Excel (.xlsx) workbook"),
    ],
)
def test_random_bytes_named_as_an_office_document_are_reported_as_not_one(tmp_path, name, fmt, message):
    path = write(tmp_path, name, bytes(range(256)) * 8)
    extra = ["--state", "SVN", "--session", "34"] if fmt == "ohchr-docx" else []
    with pytest.raises(CommandError) as raised:
        run(path, "--format", fmt, *extra)
    assert str(raised.value).startswith(message)
    assert "CSV" not in str(raised.value)


def test_random_bytes_named_csv_are_still_not_a_csv_text_file(tmp_path):
    with pytest.raises(CommandError, match=r"^export.csv: The file is binary, not a CSV text file\.$"):
        run(write(tmp_path, "export.csv", bytes(range(256)) * 8))
