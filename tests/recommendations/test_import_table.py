import pytest

from recommendations.imports import table
from recommendations.imports.base import ImportFileError
from recommendations.models import Position, Recommendation
from tests.recommendations.conftest import table_csv, table_xlsx, with_extra_parts, zip_bomb

pytestmark = pytest.mark.django_db

FULL_ROW = {
    "paragraph": "89.12",
    "text": "Guarantee the right to peaceful assembly",
    "state_under_review": "KAZ",
    "recommending_states": "Norway; FRA",
    "session": "7",
    "response": "supported",
    "action_category": "4",
    "themes": "ohchr:A12; upr-info:Women's rights; Death penalty",
    "affected_groups": "Women; human-rights-defenders",
    "sdgs": "5; 16",
    "response_source": "A/HRC/14/10/Add.1",
    "kind": "recommendation",
}
WITH_EXTRAS = [*table.REQUIRED_COLUMNS, "response_source", "kind"]


def row(**changes):
    return {**FULL_ROW, **changes}


def errors(result):
    return [(p.row, p.column, p.message) for p in result.errors]


def test_csv_row_with_every_column(import_file):
    result = import_file(table_csv([FULL_ROW], columns=WITH_EXTRAS))
    assert (result.format, result.created, result.problems) == ("table", 1, [])
    imported = Recommendation.objects.get()
    assert (imported.paragraph, imported.text, imported.action_category, imported.kind) == (
        "89.12",
        "Guarantee the right to peaceful assembly",
        4,
        "recommendation",
    )
    assert (imported.review.state.iso3, imported.review.session.number) == ("KAZ", 7)
    assert sorted(imported.recommending_states.values_list("iso3", flat=True)) == ["FRA", "NOR"]
    assert (imported.response, imported.response_source) == ("supported", "A/HRC/14/10/Add.1")
    assert sorted(imported.themes.values_list("scheme__slug", "name")) == [
        ("ohchr", "Acceptance of international norms"),
        ("upr-info", "Death penalty"),
        ("upr-info", "Women's rights"),
    ]
    assert sorted(imported.affected_groups.values_list("name", flat=True)) == ["Human rights defenders", "Women"]
    assert sorted(imported.sdgs.values_list("number", flat=True)) == [5, 16]
    assert imported.import_key == ""  # the paragraph is the identity


def test_xlsx_reads_like_csv_whatever_the_cell_types(import_file):
    header = [*table.REQUIRED_COLUMNS, "response_source", "kind"]
    values = {**FULL_ROW, "session": 7, "action_category": 4.0}
    result = import_file(table_xlsx([header, [values[column] for column in header]]))
    assert (result.format, result.created, result.problems) == ("table", 1, [])
    imported = Recommendation.objects.get()
    assert (imported.review.session.number, imported.action_category, imported.paragraph) == (7, 4, "89.12")


@pytest.mark.parametrize(
    ("themes", "expected"),
    [
        ("ohchr:a12", ("ohchr", "Acceptance of international norms")),  # code, any case
        ("upr-info:womens-rights", ("upr-info", "Women's rights")),  # slug
        ("OHCHR:Acceptance of International Norms", ("ohchr", "Acceptance of international norms")),
        ("Right to water", ("upr-info", "Right to water")),  # only one scheme has it
    ],
)
def test_theme_syntax(import_file, themes, expected):
    result = import_file(table_csv([row(themes=themes)]))
    assert result.errors == []
    assert list(Recommendation.objects.get().themes.values_list("scheme__slug", "name")) == [expected]


def test_a_theme_name_both_schemes_use_needs_its_scheme(import_file):
    result = import_file(table_csv([row(themes="Migrants")]))
    assert errors(result) == [
        ("2", "themes", "Theme 'Migrants' exists in several schemes: write ohchr:Migrants or upr-info:Migrants.")
    ]


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"themes": "ohchr:Space law"}, "themes", "Unknown theme 'ohchr:Space law' in the 'ohchr' scheme."),
        ({"affected_groups": "Astronauts"}, "affected_groups", "Unknown affected group 'Astronauts'."),
        ({"sdgs": "5; 18"}, "sdgs", "Not an SDG number (1 to 17): '18'."),
        (
            {"response": "welcomed"},
            "response",
            "Unknown response 'welcomed' (use supported, noted, partially_supported or pending).",
        ),
        ({"recommending_states": "Frnace"}, "recommending_states", "Unknown State 'Frnace'. Did you mean France?"),
        ({"paragraph": "A/HRC/14/10 para 89.12"}, "paragraph", "Paragraph number longer than 20 characters."),
        ({"text": "  "}, "text", "No recommendation text."),
        ({"session": ""}, "session", "Unknown session '' (sessions are numbered 1 to 54)."),
        ({"state_under_review": ""}, "state_under_review", "No State under review."),
    ],
)
def test_bad_cells_are_row_errors(import_file, changes, column, message):
    result = import_file(table_csv([row(**changes)]))
    assert errors(result) == [("2", column, message)]
    assert Recommendation.objects.count() == 0


def test_a_voluntary_pledge_has_no_recommending_states(import_file):
    result = import_file(table_csv([row(kind="voluntary_pledge")], columns=WITH_EXTRAS))
    assert errors(result) == [("2", "recommending_states", "A voluntary pledge has no recommending States.")]
    result = import_file(table_csv([row(kind="Voluntary pledge", recommending_states="")], columns=WITH_EXTRAS))
    assert (result.created, Recommendation.objects.get().kind) == (1, "voluntary_pledge")


def test_a_blank_response_keeps_the_recorded_positions(import_file):
    import_file(table_csv([FULL_ROW], columns=WITH_EXTRAS))
    result = import_file(table_csv([row(response="", response_source="")], columns=WITH_EXTRAS))
    assert result.unchanged == 1
    assert list(Position.objects.values_list("response", "source")) == [("supported", "A/HRC/14/10/Add.1")]


def test_rows_without_paragraph_are_identified_by_text_and_states(import_file):
    import_file(table_csv([row(paragraph="")]))
    result = import_file(table_csv([row(paragraph="", text="Guarantee the right to peaceful assembly.", sdgs="5")]))
    assert [(c.row, c.fields) for c in result.changes] == [("2", ("text", "sdgs"))]
    assert Recommendation.objects.get().text == "Guarantee the right to peaceful assembly."


def test_a_paragraph_number_is_added_to_a_recommendation_imported_without_one(import_file):
    import_file(table_csv([row(paragraph="")]))
    result = import_file(table_csv([FULL_ROW]))
    assert [(c.row, c.fields) for c in result.changes] == [("2", ("paragraph",))]
    assert list(Recommendation.objects.values_list("paragraph", flat=True)) == ["89.12"]


def test_blank_state_and_session_take_the_given_review(import_file):
    result = import_file(table_csv([row(state_under_review="", session="")]), state="Kazakhstan", session=20)
    assert result.errors == []
    review = Recommendation.objects.get().review
    assert (review.state.iso3, review.session.number) == ("KAZ", 20)


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (
            ["paragraph", "text", "state_under_review", "session"],
            "missing columns: recommending_states, response, action_category, themes, affected_groups, sdgs",
        ),
        ([*table.REQUIRED_COLUMNS, "colour"], "unknown columns: colour"),
        ([*table.REQUIRED_COLUMNS, "text"], "repeated columns: text"),
    ],
)
def test_wrong_headers_are_refused(import_file, columns, message):
    with pytest.raises(ImportFileError, match=f"Wrong table header \\({message}\\)"):
        import_file(table_csv([], columns=columns), format="table")


def test_a_file_with_other_columns_is_not_recognised(import_file):
    with pytest.raises(ImportFileError, match="Unrecognised columns name, country"):
        import_file(table_csv([], columns=["name", "country"]))


def test_an_xlsx_that_would_unpack_beyond_the_limit_is_refused_before_it_is_read():
    with pytest.raises(ImportFileError, match=r"^The file would unpack to 201 MB, more than the 100 MB"):
        table.parse(zip_bomb("xlsx", megabytes=200))


def test_an_xlsx_of_too_many_parts_is_refused():
    workbook = with_extra_parts(table_xlsx([list(table.REQUIRED_COLUMNS)]), 1000)
    with pytest.raises(ImportFileError, match=r"^The file holds 1\d{3} parts, more than the 1000"):
        table.parse(workbook)
