import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from recommendations.imports import export as exporting
from recommendations.imports import table
from recommendations.models import Recommendation, Theme
from tests.recommendations.conftest import NEW_HEADER, ohchr_list_docx, upr_info_csv, upr_info_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported_recommendation(review_kaz_2010, make_recommendation, norway, france):
    from recommendations import services
    from recommendations.models import SDG, AffectedGroup

    recommendation = make_recommendation(
        review_kaz_2010, "Protect human rights defenders", states=[norway, france], paragraph="89.12", action_category=5
    )
    recommendation.themes.set(
        [Theme.objects.get(scheme__slug="upr-info", name="Human rights defenders"), Theme.objects.get(code="A12")]
    )
    recommendation.affected_groups.set([AffectedGroup.objects.get(name="Human rights defenders")])
    recommendation.sdgs.set(SDG.objects.filter(number__in=[16, 5]))
    services.record_position(recommendation=recommendation, response="supported", source="A/HRC/14/10/Add.1")
    recommendation.refresh_from_db()
    return recommendation


def test_a_row_has_every_column_in_the_import_format(exported_recommendation):
    rows = list(exporting.export_rows())
    assert rows[0] == table.COLUMNS
    assert rows[1:] == [
        [
            "89.12",
            "Protect human rights defenders",
            "KAZ",
            "Kazakhstan",
            "FRA; NOR",
            "France; Norway",
            7,
            "supported",
            5,
            "ohchr:Acceptance of international norms; upr-info:Human rights defenders",
            "Human rights defenders",
            "5; 16",
            exported_recommendation.pk,
            1,
            "",
            exported_recommendation.updated_at.isoformat(),
            "A/HRC/14/10/Add.1",
            "recommendation",
            "en",
        ]
    ]


@pytest.mark.parametrize(("count", "chunk_size"), [(5, 2), (9, 4)])
def test_queries_are_constant_per_chunk(
    django_assert_num_queries, review_kaz_2010, make_recommendation, norway, count, chunk_size
):
    for number in range(count):
        make_recommendation(review_kaz_2010, f"Recommendation {number}", states=[norway], paragraph=f"1.{number}")
    # The data version and the reference tables for the lists' labels (lookups.py; read because this
    # test's transaction has written), then one query read through a server-side cursor in chunks: the
    # related lists come as arrays of ids.
    with django_assert_num_queries(3):
        rows = list(exporting.export_rows(chunk_size=chunk_size))
    assert len(rows) == count + 1


def test_csv_lines_for_a_streaming_response(exported_recommendation, review_kaz_2010, make_recommendation):
    make_recommendation(review_kaz_2010, 'Say "no", then\nstop', paragraph="89.13")
    lines = list(exporting.csv_lines(exporting.export_rows()))
    assert lines[0] == ",".join(table.COLUMNS) + "\r\n"
    assert lines[1].startswith(
        "89.12,Protect human rights defenders,KAZ,Kazakhstan,FRA; NOR,France; Norway,7,supported,5,ohchr:Acceptance"
    )
    assert lines[2].startswith('89.13,"Say ""no"", then\nstop",KAZ,Kazakhstan,,,7,,,,,,')


def test_xlsx_keeps_text_that_looks_like_a_formula_as_text(review_kaz_2010, make_recommendation):
    make_recommendation(review_kaz_2010, '=HYPERLINK("http://example.org")', paragraph="1.1")
    stream = io.BytesIO()
    exporting.write_xlsx(exporting.export_rows(), stream)
    sheet = load_workbook(stream).worksheets[0]
    assert sheet["B2"].value == '=HYPERLINK("http://example.org")'
    assert sheet["B2"].data_type == "s"


def test_the_template_is_the_header_alone():
    assert exporting.template_rows() == [table.COLUMNS]


def _snapshot():
    """Everything a recommendation carries that an import sets, in a comparable form."""
    columns = [table.COLUMNS.index(column) for column in (*table.REQUIRED_COLUMNS, "response_source", "kind")]
    return sorted(tuple(str(row[index]) for index in columns) for row in list(exporting.export_rows())[1:])


def _import_sources(import_file):
    rows = [
        upr_info_row("Protect defenders", source="Norway", issues="Human rights defenders,Women's rights"),
        upr_info_row("Free the press", source="&#40;Unknown&#41;", response="Noted", action=""),
        upr_info_row("Report on progress", source="Kazakhstan", response="Voluntary pledge", session="20"),
    ]
    import_file(upr_info_csv(rows, encoding="mac_roman", newline="\r"))
    docx_rows = [
        [
            "100.1 Ratify it (France) (Lithuania);\nSource of Position: A/HRC/99/1 - Para 100",
            "Supported",
            "- Acceptance of international norms\n- Right to a healthy planet\nSDGs: \n- 16 - PEACE\n"
            "Affected persons: \n- Women\n- Deep-sea divers",
            "",
        ]
    ]
    import_file(ohchr_list_docx(NEW_HEADER, docx_rows), state="SVN", session=34)


@pytest.mark.parametrize("file_type", ["csv", "csv-bom-fr", "xlsx"])
def test_what_the_app_exports_imports_back_to_the_same_data(import_file, file_type):
    """Also with the byte-order mark for Excel, and State names in French beside the codes (?bom=true&lang=fr)."""
    _import_sources(import_file)
    before = _snapshot()
    stream = io.BytesIO()
    if file_type == "csv":
        stream.write("".join(exporting.csv_lines(exporting.export_rows())).encode())
    elif file_type == "csv-bom-fr":
        with translation.override("fr"):
            text = "".join(exporting.csv_lines(exporting.export_rows()))
        assert "Norvège" in text
        stream.write(("\ufeff" + text).encode())
    else:
        exporting.write_xlsx(exporting.export_rows(), stream)

    again = import_file(stream)
    assert again.counts() == {
        "rows": 4,
        "created": 0,
        "updated": 0,
        "unchanged": 4,
        "skipped": 0,
        "duplicates": 0,
        "merged": 0,
    }

    Recommendation.objects.all().delete()
    fresh = import_file(stream)
    assert (fresh.created, fresh.problems) == (4, [])
    assert _snapshot() == before


def test_a_given_queryset_keeps_its_filter_and_order_and_loses_its_prefetches(review_kaz_2010, make_recommendation):
    for paragraph in ("1.1", "1.2", "1.3"):
        make_recommendation(review_kaz_2010, f"Recommendation {paragraph}", paragraph=paragraph)
    queryset = Recommendation.objects.exclude(paragraph="1.2").order_by("-paragraph").prefetch_related("themes")
    assert [row[0] for row in exporting.export_rows(queryset)][1:] == ["1.3", "1.1"]


def test_batched_lines_join_to_the_same_bytes(review_kaz_2010, make_recommendation):
    for number in range(7):
        make_recommendation(review_kaz_2010, f"Recommendation {number}", paragraph=f"2.{number}")
    lines = list(exporting.csv_lines(exporting.export_rows()))
    batches = list(exporting.batched(lines, size=3))
    assert len(batches) == 3  # header + 7 rows in groups of 3
    assert "".join(batches) == "".join(lines)
