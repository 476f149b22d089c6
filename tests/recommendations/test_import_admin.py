import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from recommendations.imports import table
from recommendations.models import Recommendation
from tests.recommendations.conftest import upr_info_csv, upr_info_row, zip_bomb

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:recommendations_recommendation_import")
CHANGELIST_URL = reverse("admin:recommendations_recommendation_changelist")


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def importer(django_user_model):
    """A staff editor allowed to add recommendations (and so to import them)."""
    user = django_user_model.objects.create_user(username="importer", password="correct horse battery", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="add_recommendation"), Permission.objects.get(codename="view_recommendation")
    )
    return user


@pytest.fixture
def importer_client(client, importer):
    client.force_login(importer)
    return client


def upload(client, rows, **fields):
    data = upr_info_csv(rows, encoding="mac_roman", newline="\r").getvalue()
    file = SimpleUploadedFile("export.csv", data, content_type="text/csv")
    return client.post(IMPORT_URL, {"file": file, "format": "auto", "state": "", "session": "", **fields})


def stored_files(tmp_path):
    folder = tmp_path / "imports"
    return sorted(path.suffix for path in folder.iterdir()) if folder.exists() else []


def test_the_changelist_offers_the_import_to_editors_who_may_add(importer_client, client, editor_a):
    assert IMPORT_URL in importer_client.get(CHANGELIST_URL).content.decode()
    client.force_login(editor_a)
    editor_a.user_permissions.add(Permission.objects.get(codename="view_recommendation"))
    assert IMPORT_URL not in client.get(CHANGELIST_URL).content.decode()


def test_staff_without_add_permission_cannot_import(client, editor_a):
    client.force_login(editor_a)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(reverse("admin:recommendations_recommendation_import_template", args=["csv"])).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(IMPORT_URL)
    assert (response.status_code, response.url.split("?")[0]) == (302, reverse("admin:login"))


def test_preview_writes_nothing_and_confirm_imports_it(importer_client, tmp_path):
    response = upload(importer_client, [upr_info_row("Protect defenders"), upr_info_row("Free the press")])
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.format, result.created, result.dry_run) == ("upr-info", 2, True)
    assert "Confirm the import" in response.content.decode()
    assert Recommendation.objects.count() == 0
    token = response.context["upload"]["token"]
    assert stored_files(tmp_path) == [".csv", ".json", ".upload"]

    response = importer_client.post(IMPORT_URL, {"token": token, "confirm": "1"})
    assert (response.status_code, response.url) == (302, CHANGELIST_URL)
    assert Recommendation.objects.count() == 2
    assert stored_files(tmp_path) == []


def test_preview_lists_problems_and_confirm_can_skip_the_invalid_rows(importer_client):
    rows = [upr_info_row("Protect defenders"), upr_info_row("Free the press", source="Norwey")]
    response = upload(importer_client, rows)
    page = response.content.decode()
    assert "Unknown State &#x27;Norwey&#x27;. Did you mean Norway?" in page
    assert "Import the valid rows and skip the 1 invalid ones" in page
    token = response.context["upload"]["token"]
    problems_url = reverse("admin:recommendations_recommendation_import_problems", args=[token])
    assert f'<a href="{problems_url}">Download every problem (CSV)</a>' in page
    problems = importer_client.get(problems_url)
    assert b"".join(problems.streaming_content).decode().splitlines() == [
        "row,column,level,message",
        "3,From,error,Unknown State 'Norwey'. Did you mean Norway?",
    ]
    importer_client.post(IMPORT_URL, {"token": token, "confirm": "1", "skip_invalid": "on"})
    assert list(Recommendation.objects.values_list("text", flat=True)) == ["Protect defenders"]


def test_confirm_imports_exactly_what_was_previewed(importer_client, import_file):
    rows = [upr_info_row("Protect defenders")]
    token = upload(importer_client, rows).context["upload"]["token"]
    import_file(upr_info_csv(rows))  # someone imports the same file meanwhile

    response = importer_client.post(IMPORT_URL, {"token": token, "confirm": "1"})
    assert response.status_code == 200
    assert "The data changed since the preview" in response.content.decode()
    assert response.context["result"].counts()["unchanged"] == 1
    assert Recommendation.objects.count() == 1


def test_larger_files_are_sent_to_the_command(importer_client, settings):
    settings.IMPORT_ADMIN_MAX_ROWS = 2
    response = upload(importer_client, [upr_info_row(f"Recommendation {n}") for n in range(3)])
    assert response.context["form"].errors["file"] == [
        "The file has more than 2 rows: import it with the command `python manage.py import_recommendations FILE`."
    ]
    assert Recommendation.objects.count() == 0


def test_an_unreadable_file_is_a_form_error(importer_client, tmp_path):
    file = SimpleUploadedFile("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", content_type="text/csv")
    response = importer_client.post(IMPORT_URL, {"file": file, "format": "auto"})
    assert response.context["form"].errors["file"] == ["The file is binary, not a CSV text file."]
    assert stored_files(tmp_path) == []


def test_an_upload_over_the_size_cap_is_a_form_error_naming_it_and_nothing_is_kept(
    client, staff_admin, settings, tmp_path
):
    settings.UPLOAD_MAX_MB = 1
    client.force_login(staff_admin)
    rows = [upr_info_row(f"Recommendation {n} " + "x" * 200) for n in range(5000)]
    data = upr_info_csv(rows).getvalue()
    assert len(data) > 1024 * 1024
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("export.csv", data), "format": "auto"})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["The file is larger than 1 MB, the largest upload allowed."]
    assert "larger than 1 MB" in response.content.decode()
    assert stored_files(tmp_path) == []
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_zip_bomb_is_a_form_error_and_nothing_is_imported(client, staff_admin, tmp_path, kind):
    client.force_login(staff_admin)
    bomb = SimpleUploadedFile(f"list.{kind}", zip_bomb(kind, megabytes=200).getvalue())
    response = client.post(IMPORT_URL, {"file": bomb, "format": "auto", "state": "Slovenia", "session": 34})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "The file would unpack to 201 MB, more than the 100 MB a DOCX or XLSX file may hold."
    ]
    assert stored_files(tmp_path) == []
    assert not Recommendation.objects.exists()


def test_an_ohchr_list_needs_its_review(importer_client):
    from tests.recommendations.conftest import NEW_HEADER, ohchr_list_docx

    rows = [["100.1 Protect it (France);\nSource of Position: A/HRC/99/1", "Supported", "- Right to health", ""]]
    data = ohchr_list_docx(NEW_HEADER, rows).getvalue()
    response = importer_client.post(IMPORT_URL, {"file": SimpleUploadedFile("list.docx", data), "format": "auto"})
    assert response.context["form"].errors["file"][0].startswith("An OHCHR list covers one review")
    response = importer_client.post(
        IMPORT_URL,
        {"file": SimpleUploadedFile("list.docx", data), "format": "auto", "state": "Slovenia", "session": 34},
    )
    assert (response.context["result"].format, response.context["result"].created) == ("ohchr-docx", 1)


def test_only_the_uploader_can_confirm(importer_client, client, staff_admin):
    token = upload(importer_client, [upr_info_row("Protect defenders")]).context["upload"]["token"]
    client.force_login(staff_admin)
    assert client.post(IMPORT_URL, {"token": token, "confirm": "1"}).status_code == 403
    assert client.post(IMPORT_URL, {"token": "../../etc/passwd", "confirm": "1"}).status_code == 404
    assert Recommendation.objects.count() == 0


def test_cancel_forgets_the_upload(importer_client, tmp_path):
    token = upload(importer_client, [upr_info_row("Protect defenders")]).context["upload"]["token"]
    response = importer_client.post(IMPORT_URL, {"token": token, "cancel": "1"})
    assert (response.status_code, stored_files(tmp_path)) == (302, [])
    assert importer_client.post(IMPORT_URL, {"token": token, "confirm": "1"}).status_code == 404


def test_blank_templates_download(importer_client, tmp_path):
    csv_response = importer_client.get(reverse("admin:recommendations_recommendation_import_template", args=["csv"]))
    assert csv_response.content.decode() == ",".join(table.COLUMNS) + "\r\n"
    xlsx_response = importer_client.get(reverse("admin:recommendations_recommendation_import_template", args=["xlsx"]))
    path = tmp_path / "template.xlsx"
    path.write_bytes(xlsx_response.content)
    assert [cell.value for cell in load_workbook(path).worksheets[0][1]] == table.COLUMNS
    assert (
        importer_client.get(reverse("admin:recommendations_recommendation_import_template", args=["pdf"])).status_code
        == 404
    )


def test_the_preview_says_what_would_be_done_and_that_nothing_is_imported_yet(importer_client):
    rows = [upr_info_row("Protect defenders"), upr_info_row("Free the press", source="Norwey")]
    page = upload(importer_client, rows).content.decode()
    assert "Nothing has been imported yet: this is a preview." in page
    assert "2 rows: would create 1, update 0, leave 0 unchanged, skip 1 invalid row," in page


def test_a_refused_confirm_says_what_would_have_been_done_and_that_nothing_was(importer_client):
    rows = [upr_info_row("Protect defenders"), upr_info_row("Free the press", source="Norwey")]
    token = upload(importer_client, rows).context["upload"]["token"]
    response = importer_client.post(IMPORT_URL, {"token": token, "confirm": "1"})
    page = response.content.decode()
    assert "1 invalid row: nothing was imported." in page
    assert "2 rows: would create 1, update 0, leave 0 unchanged, skip 1 invalid row," in page
    assert " created" not in page
    assert Recommendation.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("list.docx", "The file is not a valid Word (.docx) document"),
        ("LIST.DOCX", "The file is not a valid Word (.docx) document"),
        ("table.xlsx", "The file is not a valid Excel (.xlsx) workbook"),
    ],
)
def test_random_bytes_named_as_an_office_document_are_reported_as_not_one(importer_client, tmp_path, name, message):
    data = bytes(range(256)) * 8
    response = importer_client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data), "format": "auto"})
    [error] = response.context["form"].errors["file"]
    assert error.startswith(message)
    assert "CSV" not in error
    assert stored_files(tmp_path) == []


def test_an_import_beside_the_demo_says_it_is_still_there_until_it_is_removed(importer_client, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    token = upload(importer_client, [upr_info_row("Protect defenders")]).context["upload"]["token"]

    response = importer_client.post(IMPORT_URL, {"token": token, "confirm": "1"}, follow=True)

    assert "The demo data (Kazakhstan, summarised) is still in the database" in response.content.decode()
    call_command("remove_demo", stdout=io.StringIO())
    token = upload(importer_client, [upr_info_row("Free the press")]).context["upload"]["token"]
    response = importer_client.post(IMPORT_URL, {"token": token, "confirm": "1"}, follow=True)
    assert "The demo data" not in response.content.decode()
