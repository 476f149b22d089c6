import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from recommendations import services
from recommendations.models import ImplementationAssessment
from tests.recommendations import sheet_helpers
from tests.recommendations.sheet_helpers import exported, sheet_csv

pytestmark = pytest.mark.django_db
recorded = sheet_helpers.recorded  # the fixture

EXPORT_URL = reverse("admin:recommendations_implementationassessment_export")
IMPORT_URL = reverse("admin:recommendations_implementationassessment_import")
CHANGELIST_URL = reverse("admin:recommendations_implementationassessment_changelist")


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def editor_client(client, editor_a):
    client.force_login(editor_a)
    return client


def upload(client, organisation, data: bytes, name="sheet.csv"):
    file = SimpleUploadedFile(name, data)
    return client.post(IMPORT_URL, {"file": file, "organisation": organisation.pk})


def test_the_assessments_list_offers_export_and_import(editor_client):
    body = editor_client.get(CHANGELIST_URL).content.decode()
    assert EXPORT_URL in body and IMPORT_URL in body


def test_the_export_page_gives_an_xlsx_sheet_with_rows_to_fill_in(recorded, editor_client, org_a):
    response = editor_client.get(
        EXPORT_URL, {"organisation": org_a.pk, "format": "xlsx", "search": "/recommendations/?state_under_review=KAZ"}
    )
    assert response["Content-Disposition"] == 'attachment; filename="assessments-defenders-watch.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["93.1", "93.2", "93.3"]


def test_an_invalid_search_is_shown_next_to_the_form(recorded, editor_client, org_a):
    response = editor_client.get(EXPORT_URL, {"organisation": org_a.pk, "format": "csv", "search": "cycle=x"})
    assert response.status_code == 400
    assert "The search is not valid" in response.content.decode()


def test_preview_then_confirm_imports_the_sheet(recorded, editor_client, org_a, editor_a):
    rows = exported(org_a, editor_a)
    rows[0]["narrative"] = "Changed offline"
    response = upload(editor_client, org_a, sheet_csv(rows).getvalue())
    assert response.status_code == 200
    assert "Changed offline" not in ImplementationAssessment.objects.values_list("narrative", flat=True)
    assert response.context["result"].updated == 1
    response = editor_client.post(IMPORT_URL, {"token": response.context["upload"]["token"], "confirm": "1"})
    assert response.status_code == 302
    assert ImplementationAssessment.objects.get(pk=recorded["draft"].pk).narrative == "Changed offline"


def test_a_change_between_preview_and_confirm_writes_nothing_and_shows_the_conflict(
    recorded, editor_client, org_a, editor_a, reviewer_a
):
    rows = exported(org_a, editor_a)
    rows[0]["narrative"] = "Changed offline"
    preview = upload(editor_client, org_a, sheet_csv(rows).getvalue())
    services.update_assessment(assessment=recorded["draft"], narrative="A colleague's edit", user=reviewer_a)
    response = editor_client.post(IMPORT_URL, {"token": preview.context["upload"]["token"], "confirm": "1"})
    assert response.context["result"].conflicts == 1
    assert "Conflict: assessment" in response.content.decode()
    assert ImplementationAssessment.objects.get(pk=recorded["draft"].pk).narrative == "A colleague's edit"


def test_a_file_that_is_no_sheet_is_answered_with_the_reason(recorded, editor_client, org_a):
    response = upload(editor_client, org_a, b"\x00garbage", name="sheet.xlsx")
    assert response.status_code == 400
    assert "binary" in response.content.decode()


def test_cancel_writes_nothing(recorded, editor_client, org_a, editor_a):
    rows = exported(org_a, editor_a)
    rows[0]["narrative"] = "Changed offline"
    preview = upload(editor_client, org_a, sheet_csv(rows).getvalue())
    response = editor_client.post(IMPORT_URL, {"token": preview.context["upload"]["token"], "cancel": "1"})
    assert response.status_code == 302
    assert ImplementationAssessment.objects.get(pk=recorded["draft"].pk).narrative == "Draft of A"
