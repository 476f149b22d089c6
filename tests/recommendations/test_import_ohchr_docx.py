import io

import pytest

from recommendations.imports import ohchr_docx
from recommendations.imports.base import ImportFileError, ParsedRow
from recommendations.models import AffectedGroup, Position, Recommendation, Theme
from states.resolve import StateResolver
from tests.recommendations.conftest import NEW_HEADER, OLD_HEADER, ohchr_list_docx, with_extra_parts, zip_bomb

pytestmark = pytest.mark.django_db

SOURCE = "Source of Position: A/HRC/99/1 - Para 100"

NEW_LAYOUT = [
    "Theme: Acceptance of international norms",
    [
        f"100.1 Ratify the Optional Protocol to the Convention against Torture (France) (Lithuania);\n{SOURCE}",
        "Supported",
        "- Acceptance of international norms\n- Conditions of detention\nSDGs: \n- 16 - PEACE, JUSTICE AND "
        "STRONG INSTITUTIONS\nAffected persons: \n- persons deprived of their liberty\n- Women",
        "",
    ],
    [
        f"100.2 Consider joining the 2014 Protocol (No. 29) (Ukraine); Report on it (Portugal, Slovakia);\n{SOURCE}",
        "Noted",
        "- Acceptance of international norms",
        "",
    ],
    "Theme: Right to health",
    [
        "101.7 Fund clinics in rural areas (Cuba).\nSource of position :  A/HRC/99/1/Add.1 - Para. 3",
        "Supported",
        "- Right to health\nSDGs: \n- 3 - GOOD HEALTH AND WELL-BEING\n- 10 - REDUCED INEQUALITIES",
        "",
    ],
]


def import_list(import_file, rows, header=NEW_HEADER, **options):
    options = {"state": "SVN", "session": 34, **options}
    return import_file(ohchr_list_docx(header, rows), **options)


def recommendation(paragraph):
    return Recommendation.objects.get(paragraph=paragraph)


def parse_cell(text: str) -> ParsedRow:
    cells = {ohchr_docx.RECOMMENDATION: text, ohchr_docx.POSITION: "Supported"}
    return ohchr_docx.parse_paragraph("table row 2", cells, StateResolver())


def test_new_layout_reads_every_part_of_a_paragraph(import_file):
    result = import_list(import_file, NEW_LAYOUT[:2])
    assert (result.format, result.created, result.problems) == ("ohchr-docx", 1, [])
    first = recommendation("100.1")
    assert first.text == "Ratify the Optional Protocol to the Convention against Torture"
    assert sorted(first.recommending_states.values_list("iso3", flat=True)) == ["FRA", "LTU"]
    assert (first.response, first.response_source) == ("supported", "A/HRC/99/1 - Para 100")
    assert list(first.positions.values_list("response", "source")) == [("supported", "A/HRC/99/1 - Para 100")]
    assert sorted(first.themes.values_list("scheme__slug", "name")) == [
        ("ohchr", "Acceptance of international norms"),
        ("ohchr", "Conditions of detention"),
    ]
    assert list(first.sdgs.values_list("number", flat=True)) == [16]
    assert sorted(first.affected_groups.values_list("name", flat=True)) == [
        "Persons deprived of their liberty",
        "Women",
    ]
    assert (first.review.state.iso3, first.review.session.number, first.kind) == ("SVN", 34, "recommendation")


def test_theme_rows_are_headings_not_recommendations(import_file):
    result = import_list(import_file, NEW_LAYOUT)
    assert (result.rows, result.created) == (3, 3)
    assert sorted(Recommendation.objects.values_list("paragraph", flat=True)) == ["100.1", "100.2", "101.7"]


def test_clauses_each_with_their_states_and_non_state_parentheses(import_file):
    import_list(import_file, NEW_LAYOUT)
    second = recommendation("100.2")
    assert second.text == "Consider joining the 2014 Protocol (No. 29); Report on it"
    assert sorted(second.recommending_states.values_list("iso3", flat=True)) == ["PRT", "SVK", "UKR"]
    assert second.response == "noted"
    third = recommendation("101.7")
    assert (third.text, third.response_source) == ("Fund clinics in rural areas.", "A/HRC/99/1/Add.1 - Para. 3")


@pytest.mark.parametrize(
    ("cell", "text", "states"),
    [
        ("1.1 Ratify it (France) (Lithuania);", "Ratify it", ["France", "Lithuania"]),
        ("1.2 Ratify it (Portugal, Slovakia);", "Ratify it", ["Portugal", "Slovakia"]),
        ("1.3 Do it (Ukraine); Do more (Slovakia);", "Do it; Do more", ["Ukraine", "Slovakia"]),
        (
            "1.4 Ratify the Convention (ICRMW) (Venezuela (Bolivarian Republic of));",
            "Ratify the Convention (ICRMW)",
            ["Venezuela (Bolivarian Republic of)"],
        ),
        (
            "1.5 Carry out the plan (2009–2014) and fund the NHRI (NHRI) (Korea, Republic of, Chile).",
            "Carry out the plan (2009–2014) and fund the NHRI (NHRI).",
            ["Korea, Republic of", "Chile"],
        ),
        (
            "1.6 Protect children (abused, living on the street) (Brazil)",
            "Protect children (abused, living on the street)",
            ["Brazil"],
        ),
        (
            "1.7 Join the Convention (No. 189) (United Kingdom of Great Britain and Northern Ireland);",
            "Join the Convention (No. 189)",
            ["United Kingdom of Great Britain and Northern Ireland"],
        ),
    ],
)
def test_recommending_states_are_the_parentheses_that_end_a_clause(cell, text, states):
    parsed = parse_cell(cell)
    assert parsed.problems == []
    assert (parsed.text, parsed.recommending_states) == (text, states)


def test_unknown_state_where_the_states_belong_is_an_error_with_suggestions(import_file):
    rows = [[f"100.1 Ratify it (France); Report on it (Slovakai);\n{SOURCE}", "Supported", "- Right to health", ""]]
    result = import_list(import_file, rows)
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        ("100.1", "Recommendation", "Unknown recommending State 'Slovakai'. Did you mean Slovakia?")
    ]
    assert Recommendation.objects.count() == 0


def test_paragraph_without_a_recommending_state_is_an_error():
    parsed = parse_cell("1.1 Strengthen the national human rights institution (NHRI);")
    assert [(p.row, p.column, p.message) for p in parsed.problems] == [
        ("1.1", "recommending_states", "No recommending State in parentheses at the end of the recommendation.")
    ]


def test_row_without_paragraph_number_is_an_error_named_by_its_table_row(import_file):
    rows = [["Ratify it (France);", "Supported", "- Right to health", ""]]
    result = import_list(import_file, rows)
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        ("table row 2", "Recommendation", "No paragraph number (such as 121.2) at the start of the recommendation.")
    ]


def test_old_layout_with_codes_groups_of_persons_and_an_sdg_column(import_file):
    rows = [
        "Theme: A12 Acceptance of international norms",
        [
            "94.3 Consider ratifying the Convention (Chile);\nSource of position: A/HRC/22/5/Add.1",
            "Noted",
            "A12 Acceptance of international norms\nG1 Members of minorities\nGroups of Persons:\n- minorities",
            "- 10 - REDUCED INEQUALITIES\n- 16 - PEACE, JUSTICE AND STRONG INSTITUTIONS",
        ],
    ]
    result = import_list(import_file, rows, header=OLD_HEADER)
    assert result.errors == []
    assert result.created_groups == ["minorities"]
    old = recommendation("94.3")
    assert (old.text, old.response, old.response_source) == (
        "Consider ratifying the Convention",
        "noted",
        "A/HRC/22/5/Add.1",
    )
    assert sorted(old.themes.values_list("code", flat=True)) == ["A12", "G1"]
    assert sorted(old.sdgs.values_list("number", flat=True)) == [10, 16]
    assert list(old.affected_groups.values_list("name", flat=True)) == ["minorities"]


def test_new_theme_labels_and_groups_are_created_and_reported(import_file):
    rows = [
        [
            f"100.1 Protect it (France);\n{SOURCE}",
            "Supported",
            "- Budget &resources (for human rights implementation)\n- Right to a healthy planet\n"
            "Affected persons: \n- persons with disabilities\n- Deep-sea divers",
            "",
        ]
    ]
    result = import_list(import_file, rows)
    assert result.created_themes == ["ohchr: Right to a healthy planet"]
    assert result.created_groups == ["Deep-sea divers"]
    created = Recommendation.objects.get()
    assert sorted(created.themes.values_list("name", flat=True)) == [
        "Budget & resources (for human rights implementation)",
        "Right to a healthy planet",
    ]
    assert sorted(created.affected_groups.values_list("name", flat=True)) == [
        "Deep-sea divers",
        "Persons with disabilities",
    ]
    assert Theme.objects.get(name="Right to a healthy planet").scheme.slug == "ohchr"


def test_a_dry_run_creates_no_theme_or_group(import_file):
    rows = [[f"100.1 Protect it (France);\n{SOURCE}", "Supported", "- Right to a healthy planet", ""]]
    result = import_list(import_file, rows, dry_run=True)
    assert (result.created, result.created_themes, result.written) == (1, ["ohchr: Right to a healthy planet"], False)
    assert not Theme.objects.filter(name="Right to a healthy planet").exists()


def test_sdgs_outside_1_to_17_are_errors(import_file):
    rows = [[f"100.1 Protect it (France);\n{SOURCE}", "Supported", "- Right to health\nSDGs: \n- 18 - MARS", ""]]
    result = import_list(import_file, rows)
    assert [p.message for p in result.errors] == ["SDG 18 does not exist (SDGs are numbered 1 to 17)."]


def test_unknown_position_is_an_error(import_file):
    rows = [[f"100.1 Protect it (France);\n{SOURCE}", "Welcomed", "- Right to health", ""]]
    result = import_list(import_file, rows)
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        ("100.1", "Position", "Unknown position 'Welcomed'.")
    ]


def test_a_new_position_is_added_to_the_history_and_becomes_current(import_file):
    rows = [[f"100.1 Protect it (France);\n{SOURCE}", "Noted", "- Right to health", ""]]
    import_list(import_file, rows)
    rows[0][0] = "100.1 Protect it (France);\nSource of Position: A/HRC/99/1/Add.1 - Para. 4"
    rows[0][1] = "Supported"
    result = import_list(import_file, rows)
    assert [(c.row, c.recommendation, c.fields) for c in result.changes] == [
        ("100.1", "Slovenia — session 34, 100.1", ("response",))
    ]
    changed = recommendation("100.1")
    assert (changed.response, changed.response_source) == ("supported", "A/HRC/99/1/Add.1 - Para. 4")
    assert list(Position.objects.order_by("id").values_list("response", flat=True)) == ["noted", "supported"]


def test_the_review_must_be_given():
    from recommendations.imports import import_recommendations

    with pytest.raises(ImportFileError, match="An OHCHR list covers one review"):
        import_recommendations(file=ohchr_list_docx(NEW_HEADER, NEW_LAYOUT), format="ohchr-docx")


def test_an_unknown_state_under_review_is_refused_with_suggestions(import_file):
    with pytest.raises(ImportFileError, match="Unknown State 'Slovenija'. Did you mean Slovenia"):
        import_list(import_file, NEW_LAYOUT, state="Slovenija")


def test_a_docx_without_the_list_table_is_refused(import_file):
    with pytest.raises(ImportFileError, match="has no table"):
        import_list(import_file, [], header=None)
    with pytest.raises(ImportFileError, match="No table in the DOCX file has the thematic list's header"):
        import_list(import_file, [["a", "b"]], header=["Name", "Value"])


def test_a_truncated_docx_is_refused(import_file):
    data = ohchr_list_docx(NEW_HEADER, NEW_LAYOUT).getvalue()
    truncated = io.BytesIO(data[: len(data) // 2])
    with pytest.raises(ImportFileError, match="damaged or truncated ZIP"):
        import_file(truncated, format="ohchr-docx", state="SVN", session=34)
    with pytest.raises(ImportFileError, match="damaged or truncated ZIP"):
        import_file(truncated, state="SVN", session=34)


@pytest.mark.parametrize("file_format", ["ohchr-docx", "auto"])
def test_a_docx_that_would_unpack_beyond_the_limit_is_refused_before_it_is_read(import_file, file_format):
    message = r"^The file would unpack to 201 MB, more than the 100 MB a DOCX or XLSX file may hold\.$"
    with pytest.raises(ImportFileError, match=message):
        import_file(zip_bomb("docx", megabytes=200), format=file_format, state="SVN", session=34)
    assert not Recommendation.objects.exists()


def test_a_docx_part_compressed_beyond_any_real_document_is_refused(import_file):
    message = r"^The part word/document\.xml is compressed \d+-fold, more than any real DOCX or XLSX file"
    with pytest.raises(ImportFileError, match=message):
        import_file(zip_bomb("docx", megabytes=5), state="SVN", session=34)


def test_a_docx_of_too_many_parts_is_refused(import_file):
    document = with_extra_parts(ohchr_list_docx(NEW_HEADER, NEW_LAYOUT), 1000)
    with pytest.raises(ImportFileError, match=r"^The file holds 1\d{3} parts, more than the 1000 a DOCX or XLSX"):
        import_file(document, state="SVN", session=34)


def test_the_unpacked_size_limit_is_a_setting(import_file, settings):
    settings.ZIP_MAX_UNCOMPRESSED_MB = 1
    with pytest.raises(ImportFileError, match="more than the 1 MB a DOCX or XLSX file may hold"):
        import_list(import_file, NEW_LAYOUT * 200)
    settings.ZIP_MAX_UNCOMPRESSED_MB = 100
    assert import_list(import_file, NEW_LAYOUT * 200).format == "ohchr-docx"


@pytest.mark.samples
def test_real_slovenia_list(import_file, samples_dir):
    path = samples_dir / "ohchr" / "UPR34_Slovenia_Thematic_list_of_Recommendations.docx"
    with path.open("rb") as file:
        result = import_file(file, state="SVN", session=34)
        before = list(Recommendation.objects.order_by("id").values_list("id", "updated_at"))
        again = import_file(file, state="SVN", session=34)
    assert (result.created, result.errors) == (215, [])
    assert Recommendation.objects.filter(response="supported").count() == 182
    assert Recommendation.objects.filter(response="noted").count() == 33

    def states(paragraph):
        return sorted(recommendation(paragraph).recommending_states.values_list("name", flat=True))

    assert states("121.1") == ["France", "Lithuania"]
    assert states("121.2") == ["Slovakia", "Ukraine"]
    assert states("121.3") == ["United Kingdom of Great Britain and Northern Ireland"]
    # "(No. 29)" names a convention, not a State: it stays in the text; the State's name goes.
    assert recommendation("121.3").text.endswith("(No. 29)")
    assert "United Kingdom" not in recommendation("121.3").text
    # OHCHR reworded one theme since the reference data was written: it is added, and said so.
    assert result.created_themes == ["ohchr: Rights related to name, identity & nationality"]
    assert again.counts() == {
        "rows": 215,
        "created": 0,
        "updated": 0,
        "unchanged": 215,
        "skipped": 0,
        "duplicates": 0,
        "merged": 0,
    }
    assert list(Recommendation.objects.order_by("id").values_list("id", "updated_at")) == before
    assert AffectedGroup.objects.filter(recommendations__review__state__iso3="SVN").distinct().count() > 10
