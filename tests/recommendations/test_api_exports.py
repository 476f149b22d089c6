"""Exports of a search: CSV and XLSX in the importers' table format, JSON Lines as the API's objects."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from recommendations import services
from recommendations.api import exports as api_export
from recommendations.imports.table import COLUMNS
from recommendations.models import Theme

pytestmark = pytest.mark.django_db

BASE = "/api/v1/recommendations/export"


@pytest.fixture
def rows(review_kaz_2010, review_fra_2008, make_recommendation, norway, france, monkeypatch):
    # Chunks of 2 rows, so the 5 rows below stream in several chunks.
    monkeypatch.setattr(api_export, "CHUNK_SIZE", 2)
    hrd = Theme.objects.get(scheme__slug="upr-info", slug="human-rights-defenders")
    made = []
    for index in range(4):
        recommendation = make_recommendation(review_kaz_2010, f"=Kazakhstan {index}", states=[norway, france])
        recommendation.themes.set([hrd])
        services.record_position(recommendation=recommendation, response="supported")
        made.append(recommendation)
    made.append(make_recommendation(review_fra_2008, "France decoy", states=[norway]))
    return made


def streamed(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_csv_export_streams_the_filtered_rows(api_client, rows):
    response = api_client.get(f"{BASE}.csv", {"theme": "human-rights-defenders", "ordering": "-id"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="upr-recommendations-')
    table = list(csv.DictReader(io.StringIO(streamed(response))))
    assert [int(row["id"]) for row in table] == [r.pk for r in reversed(rows[:4])]
    first = table[-1]
    assert list(first) == list(COLUMNS)
    assert (first["text"], first["state_under_review"], first["recommending_states"]) == (
        "'=Kazakhstan 0",  # quoted, so a spreadsheet shows the text instead of running it (exporting.csv_lines)
        "KAZ",
        "FRA; NOR",
    )
    assert (first["session"], first["response"], first["themes"]) == (
        "7",
        "supported",
        "upr-info:Human rights defenders",
    )


def test_jsonl_export_has_one_api_object_per_line(api_client, rows):
    lines = streamed(api_client.get(f"{BASE}.jsonl", {"state_under_review": "FRA"})).splitlines()
    assert len(lines) == 1
    detail = api_client.get(f"/api/v1/recommendations/{rows[4].pk}/").json()
    assert json.loads(lines[0]) == detail


def test_jsonl_export_streams_every_row_as_its_detail_in_the_lists_order(api_client, rows):
    # 4 rows in chunks of 2: the chunks follow each other in the asked order.
    body = streamed(api_client.get(f"{BASE}.jsonl", {"state_under_review": "KAZ", "ordering": "-id"}))
    details = [api_client.get(f"/api/v1/recommendations/{r.pk}/").content for r in reversed(rows[:4])]
    # Byte for byte the detail's JSON, one object per line.
    assert body == "".join(json.dumps(json.loads(detail)) + "\n" for detail in details)


def test_xlsx_export_is_a_workbook_in_the_table_format(api_client, rows):
    response = api_client.get(f"{BASE}.xlsx", {"state_under_review": "KAZ"})
    assert response.status_code == 200
    assert response["Content-Type"] == api_export.XLSX_TYPE
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert list(values[0]) == list(COLUMNS)
    assert len(values) == 5
    # Text that looks like a formula stays text.
    assert values[1][1] == "=Kazakhstan 0"


def test_xlsx_export_refuses_too_many_rows(api_client, rows, monkeypatch):
    monkeypatch.setattr(api_export, "XLSX_MAX_ROWS", 3)
    response = api_client.get(f"{BASE}.xlsx")
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "detail": ["More than 3 recommendations match: narrow the filters or use export.csv, which has no limit."]
        }
    }


def test_export_with_a_bad_filter_is_a_json_400_even_when_csv_is_asked_for(api_client, rows):
    response = api_client.get(f"{BASE}.csv", {"state_under_review": "XYZ"}, HTTP_ACCEPT="text/csv")
    assert response.status_code == 400
    assert json.loads(response.content) == {"errors": {"state_under_review": ["Unknown ISO3 code: XYZ."]}}


def test_unknown_export_format_is_a_404(api_client, db):
    assert api_client.get(f"{BASE}.pdf").status_code == 404


def test_csv_export_for_excel_starts_with_a_byte_order_mark_and_imports_back(api_client, rows):
    from recommendations.imports import import_recommendations
    from recommendations.models import Recommendation

    response = api_client.get(f"{BASE}.csv", {"bom": "true", "state_under_review": "KAZ"})
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeffparagraph,".encode())
    assert not b"".join(api_client.get(f"{BASE}.csv").streaming_content).startswith(b"\xef\xbb\xbf")
    Recommendation.objects.all().delete()
    result = import_recommendations(file=io.BytesIO(body), format="table")
    assert (result.created, result.problems) == (4, [])


def test_csv_export_names_the_states_beside_their_codes_in_the_requests_language(api_client, rows):
    response = api_client.get(f"{BASE}.csv", {"lang": "fr", "state_under_review": "KAZ", "ordering": "id"})
    first = next(csv.DictReader(io.StringIO(streamed(response))))
    columns = list(first)
    assert columns[columns.index("state_under_review") + 1] == "state_under_review_name"
    assert columns[columns.index("recommending_states") + 1] == "recommending_state_names"
    assert (first["recommending_states"], first["recommending_state_names"]) == ("FRA; NOR", "France; Norvège")


def test_csv_export_refuses_a_bom_value_that_is_not_a_boolean(api_client, rows):
    response = api_client.get(f"{BASE}.csv", {"bom": "excel"})
    assert response.status_code == 400
    assert json.loads(response.content) == {"errors": {"bom": ["Must be true or false."]}}


def test_jsonl_and_xlsx_exports_come_as_octet_stream_when_a_client_asks_for_bytes(api_client, rows):
    for extension in ("jsonl", "xlsx"):
        response = api_client.get(f"{BASE}.{extension}", HTTP_ACCEPT="application/octet-stream")
        assert (response.status_code, response["Content-Type"]) == (200, "application/octet-stream"), extension
    assert api_client.get(f"{BASE}.jsonl")["Content-Type"] == "application/jsonl; charset=utf-8"
