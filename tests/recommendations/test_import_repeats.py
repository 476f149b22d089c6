"""A file that lists one recommendation twice with other themes (as real UPR Info exports do) imports it once."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from recommendations.models import Recommendation
from tests.recommendations.conftest import table_csv, upr_info_csv, upr_info_row

pytestmark = pytest.mark.django_db

TRAFFICKING = "Continue to increase its efforts to prevent and combat the trafficking in persons"
MERGE_WARNING = (
    "Same recommendation as row 3 but with other themes: imported once, with the themes of rows 3 and 5 together."
)


def export_rows(second_issues="Trafficking", **second):
    """Four rows as the real export has them: the recommendation on rows 3 and 5, with other issues on row 5."""
    return [
        upr_info_row("Protect human rights defenders", source="Norway"),
        upr_info_row(TRAFFICKING, source="Belarus", action="2", issues="Migrants,Trafficking"),
        upr_info_row("Free the press", source="France", issues="Freedom of the press"),
        upr_info_row(TRAFFICKING, source="Belarus", issues=second_issues, **{"action": "2", **second}),
    ]


def export_file(tmp_path, rows) -> str:
    """The rows written as a real UPR Info export file: Mac Roman, bare CR line endings."""
    path = tmp_path / "upr-info-export.csv"
    path.write_bytes(upr_info_csv(rows, encoding="mac_roman", newline="\r").getvalue())
    return str(path)


def themes_of(text):
    return sorted(Recommendation.objects.get(text=text).themes.values_list("name", flat=True))


def problems(result):
    return [(p.row, p.column, p.level, p.message) for p in result.problems]


@pytest.mark.parametrize("chunk_size", [2000, 3, 1], ids=["one chunk", "rows in two chunks", "a chunk per row"])
@pytest.mark.parametrize("second_issues", ["Trafficking", "Migrants,Trafficking,Women's rights"])
def test_a_repeat_with_other_issues_is_imported_once_with_the_union(import_file, chunk_size, second_issues):
    file = upr_info_csv(export_rows(second_issues), encoding="mac_roman", newline="\r")
    result = import_file(file, chunk_size=chunk_size)
    assert (result.written, result.created, result.merged, result.skipped, result.errors) == (True, 3, 1, 0, [])
    assert problems(result) == [("5", "Issue", "warning", MERGE_WARNING)]
    expected = sorted({"Migrants", "Trafficking", *second_issues.split(",")})
    assert themes_of(TRAFFICKING) == expected
    assert Recommendation.objects.count() == 3


@pytest.mark.parametrize(
    ("rows", "chunk_size"),
    [
        (export_rows(), 2000),
        (export_rows(), 1),
        # The first row has fewer themes than the second: the union is what is compared with the database.
        ([export_rows()[index] for index in (0, 3, 2, 1)], 2000),
        ([export_rows()[index] for index in (0, 3, 2, 1)], 1),
    ],
    ids=["one chunk", "a chunk per row", "fewer themes first", "fewer themes first, a chunk per row"],
)
def test_importing_the_file_again_changes_nothing(import_file, rows, chunk_size):
    file = upr_info_csv(rows, encoding="mac_roman", newline="\r")
    import_file(file, chunk_size=chunk_size)
    recommendation = Recommendation.objects.get(text=TRAFFICKING)
    before = (recommendation.updated_at, recommendation.history.count(), themes_of(TRAFFICKING))

    again = import_file(file, chunk_size=chunk_size)
    assert (again.created, again.updated, again.unchanged, again.merged, again.changes) == (0, 0, 3, 1, [])
    recommendation.refresh_from_db()
    assert (recommendation.updated_at, recommendation.history.count(), themes_of(TRAFFICKING)) == before


@pytest.mark.parametrize("chunk_size", [2000, 1])
def test_a_corrected_file_with_fewer_themes_still_takes_them_away(import_file, chunk_size):
    import_file(upr_info_csv(export_rows()), chunk_size=chunk_size)
    corrected = export_rows()[:3]
    corrected[1] = upr_info_row(TRAFFICKING, source="Belarus", action="2", issues="Trafficking")
    result = import_file(upr_info_csv(corrected), chunk_size=chunk_size)
    assert (result.updated, result.unchanged, [change.fields for change in result.changes]) == (1, 2, [("themes",)])
    assert themes_of(TRAFFICKING) == ["Trafficking"]


@pytest.mark.parametrize(
    ("second", "field"),
    [({"response": "Noted"}, "response"), ({"action": "4"}, "action_category")],
)
def test_a_repeat_that_differs_in_anything_but_themes_is_still_refused(import_file, second, field):
    result = import_file(upr_info_csv(export_rows("Trafficking", **second)))
    assert [(p.row, p.message) for p in result.errors] == [
        ("5", f"Same recommendation as row 3 but a different {field}, themes: skipped.")
    ]
    assert (result.written, Recommendation.objects.count()) == (False, 0)


def test_table_rows_of_one_paragraph_merge_their_groups_and_sdgs(import_file):
    row = {
        "paragraph": "89.12",
        "text": "Guarantee the right to peaceful assembly",
        "state_under_review": "KAZ",
        "recommending_states": "Norway",
        "session": "7",
        "response": "supported",
        "themes": "upr-info:Freedom of association and peaceful assembly",
        "affected_groups": "Women",
        "sdgs": "5",
    }
    result = import_file(table_csv([row, {**row, "affected_groups": "Human rights defenders", "sdgs": "16"}]))
    assert problems(result) == [
        (
            "3",
            "affected_groups",
            "warning",
            "Same recommendation as row 2 but with other affected groups and SDGs: imported once, "
            "with the affected groups and SDGs of rows 2 and 3 together.",
        )
    ]
    imported = Recommendation.objects.get()
    assert sorted(imported.affected_groups.values_list("name", flat=True)) == ["Human rights defenders", "Women"]
    assert sorted(imported.sdgs.values_list("number", flat=True)) == [5, 16]


def test_the_command_imports_the_file_and_prints_the_warning(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_recommendations", export_file(tmp_path, export_rows()), stdout=out, stderr=err)
    assert "4 rows: 3 created, 0 updated, 0 unchanged, 0 skipped, 0 duplicates, 1 merged in " in out.getvalue()
    assert out.getvalue().endswith("Imported.\n")
    assert f"warning: row 5, Issue: {MERGE_WARNING}" in err.getvalue()
    assert themes_of(TRAFFICKING) == ["Migrants", "Trafficking"]

    again = io.StringIO()
    call_command("import_recommendations", export_file(tmp_path, export_rows()), stdout=again, stderr=io.StringIO())
    assert "4 rows: 0 created, 0 updated, 3 unchanged, 0 skipped, 0 duplicates, 1 merged in " in again.getvalue()


def test_the_command_still_refuses_a_conflicting_repeat(tmp_path):
    with pytest.raises(CommandError, match="1 invalid row: nothing was imported"):
        call_command(
            "import_recommendations",
            export_file(tmp_path, export_rows(response="Noted")),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert Recommendation.objects.count() == 0


def test_the_admin_preview_shows_the_warning_and_confirm_imports_the_union(client, importer, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client.force_login(importer)
    url = reverse("admin:recommendations_recommendation_import")
    data = upr_info_csv(export_rows(), encoding="mac_roman", newline="\r").getvalue()
    file = SimpleUploadedFile("export.csv", data, content_type="text/csv")
    response = client.post(url, {"file": file, "format": "auto", "state": "", "session": ""})
    page = response.content.decode()
    assert "Same recommendation as row 3 but with other themes: imported once, with the themes of rows 3 and 5" in page
    assert "Confirm the import" in page

    response = client.post(url, {"token": response.context["upload"]["token"], "confirm": "1"})
    assert response.status_code == 302
    assert themes_of(TRAFFICKING) == ["Migrants", "Trafficking"]
    assert Recommendation.objects.count() == 3


@pytest.fixture
def importer(django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username="importer", password="correct horse battery", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="add_recommendation"), Permission.objects.get(codename="view_recommendation")
    )
    return user
