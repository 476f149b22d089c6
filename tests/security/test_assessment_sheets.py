"""Assessment sheets against the trust model's cast: organisation B's members can neither export A's drafts
nor import into A's assessments, by the admin's pages, its actions or the command."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from recommendations.imports.assessments import COLUMNS
from tests.security import test_authorization_suite as suite
from tests.security.test_authorization_suite import changed_tables, readable

pytestmark = pytest.mark.django_db
clients = suite.clients  # the fixture: a signed-in client per actor


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


EXPORT_URL = reverse("admin:recommendations_implementationassessment_export")
IMPORT_URL = reverse("admin:recommendations_implementationassessment_import")
CHANGELIST_URL = reverse("admin:recommendations_implementationassessment_changelist")


def export(client, organisation, file_format="csv"):
    return client.get(EXPORT_URL, {"organisation": organisation.pk, "format": file_format})


def a_sheet_overwriting_the_draft(cast) -> bytes:
    """A's draft as a sheet row, its narrative rewritten."""
    draft = cast.objects["draft"]
    row = {
        "assessment_id": draft.pk,
        "recommendation_id": draft.recommendation_id,
        "status": draft.status,
        "assessed_on": draft.assessed_on.isoformat(),
        "narrative": "Overwritten from a sheet",
        "version": draft.version,
    }
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerows([COLUMNS, [row.get(column, "") for column in COLUMNS]])
    return text.getvalue().encode()


def upload(client, cast, organisation: str):
    file = SimpleUploadedFile("sheet.csv", a_sheet_overwriting_the_draft(cast), content_type="text/csv")
    return client.post(IMPORT_URL, {"file": file, "organisation": cast.objects[organisation].pk})


def test_only_as_members_see_their_drafts_in_an_export(cast, clients):
    org_a = cast.objects["org_a"]
    for actor in ("editor_a", "reviewer_a", "staff_admin"):
        for file_format in ("csv", "xlsx"):
            response = export(clients[actor], org_a, file_format)
            assert response.status_code == 200
            assert "MARKER-draft-narrative" in readable(response), (actor, file_format)
    for actor in ("editor_b", "reviewer_b"):
        response = export(clients[actor], org_a)
        assert response.status_code == 400  # A is not among the organisations offered
        assert "MARKER" not in readable(response)
    assert "MARKER-b-draft" not in readable(export(clients["editor_a"], org_a))


def test_the_export_action_gives_b_none_of_as_drafts(cast, clients):
    data = {"action": "export_csv", "_selected_action": [cast.objects["draft"].pk, cast.objects["published"].pk]}
    body = readable(clients["editor_b"].post(CHANGELIST_URL, data))
    assert "Published narrative" in body
    assert "MARKER" not in body
    assert "MARKER-draft-narrative" in readable(clients["editor_a"].post(CHANGELIST_URL, data))


def test_b_cannot_import_into_as_assessments(cast, clients):
    response, tables = changed_tables(lambda: upload(clients["editor_b"], cast, "org_a"))
    assert response.status_code == 400
    assert tables == set()
    # Into B's own organisation, A's draft is no assessment of B's: refused by row, even with skip_invalid.
    response = upload(clients["editor_b"], cast, "org_b")
    assert "Assembly Monitor has no assessment" in response.content.decode()
    token = response.context["upload"]["token"]
    confirm = {"token": token, "confirm": "1", "skip_invalid": "on"}
    _response, tables = changed_tables(lambda: clients["editor_b"].post(IMPORT_URL, confirm))
    assert not {table for table in tables if "assessment" in table or "citation" in table}


def test_as_editor_imports_the_same_sheet(cast, clients):
    response = upload(clients["editor_a"], cast, "org_a")
    assert response.context["result"].updated == 1
    response = clients["editor_a"].post(IMPORT_URL, {"token": response.context["upload"]["token"], "confirm": "1"})
    assert response.status_code == 302
    cast.objects["draft"].refresh_from_db()
    assert cast.objects["draft"].narrative == "Overwritten from a sheet"


def test_the_command_refuses_b_for_a(cast, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes(a_sheet_overwriting_the_draft(cast))
    with pytest.raises(CommandError, match="does not edit for"):
        call_command("import_assessments", path, "--organisation", "defenders-watch", "--user", "editor-b")
    call_command(
        "export_assessments", "--organisation", "defenders-watch", "--user", "editor-b", "-o", tmp_path / "a.csv"
    )
    assert "MARKER" not in (tmp_path / "a.csv").read_text()
