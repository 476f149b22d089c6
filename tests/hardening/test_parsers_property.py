"""Property tests of the importers' parsers (recommendations/imports/): for any text or bytes they
return a parsed result or raise ImportFileError, never another exception; what the exporter writes
the table importer reads back unchanged.

Parsers are pure (no database), so most properties run without one; the last one goes through the
database: a recommendation exported and imported again is unchanged.
"""

import csv
import io
import zipfile

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from recommendations.imports import base, detect, formats, ohchr_docx, table, upr_info
from recommendations.imports import export as exporting
from recommendations.imports.base import ImportFileError, ParsedRow
from recommendations.models import Response
from tests.recommendations.conftest import NEW_HEADER, UPR_INFO_HEADER, ohchr_list_docx, table_xlsx

# Modest counts keep the module well under a minute.
EXAMPLES = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
# The database round trip reuses the test's fixtures across examples, and cleans up after each.
FEW = settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Text a cell can hold: any Unicode but surrogates (not encodable) and NUL (no text column takes it).
cell_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=80)
# Text mixing the characters and words parsers care about with anything else.
tricky_text = st.lists(
    st.one_of(
        st.sampled_from(list("();,.:-–•\n\r\t \u00a0\u202e\u200b\ufeff'\"=+@&#") + ["SDGs:", "Theme:", "Source of"]),
        st.characters(blacklist_categories=["Cs"]),
    ),
    max_size=60,
).map("".join)
KNOWN_STATES = {"France", "Norway", "Portugal", "Slovakia", "Korea, Republic of", "Venezuela (Bolivarian Republic of)"}


class FixedStates:
    """A StateLookup over a few names, so the OHCHR parser runs without the database."""

    def resolve(self, name: str) -> object | None:
        return name if name in KNOWN_STATES else None

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        return sorted(state for state in KNOWN_STATES if state[:2] == name[:2])[:limit]


def consume(parse, stream: io.BytesIO) -> list[ParsedRow] | ImportFileError:
    """Every row a parser yields for the stream, or the ImportFileError it raised (anything else fails)."""
    try:
        return list(parse(stream).rows)
    except ImportFileError as error:
        assert str(error)
        return error


def assert_well_formed(row: ParsedRow) -> None:
    assert row.row
    assert row.response in {"", *Response.values}
    assert row.action_category is None or 1 <= row.action_category <= 5
    assert all(1 <= number <= 17 for number in row.sdgs)
    assert row.kind in {"recommendation", "voluntary_pledge"}
    assert all(problem.row == row.row and problem.message for problem in row.problems)


# Encoding and format detection -----------------------------------------------------------------------------


@EXAMPLES
@given(st.binary(max_size=400))
@example(b"\xff\xfe" + "a,b\n".encode("utf-16-le") + b"\x00\xd8\x41")  # UTF-16 that breaks off mid-character
@example(b"\xef\xbb\xbf\xc3\x28")  # a UTF-8 BOM, then invalid UTF-8
def test_detect_encoding_names_a_codec_or_refuses_binary(data):
    try:
        encoding = detect.detect_encoding(io.BytesIO(data))
    except ImportFileError:
        assert b"\x00" in data
        return
    assert encoding in {"utf-8", "utf-8-sig", "utf-16", "cp1252", "mac_roman"}
    if encoding in {"utf-8", "cp1252", "mac_roman"}:
        data.decode(encoding)  # what detection chose without a BOM decodes the whole file


@EXAMPLES
@given(st.binary(max_size=200))
def test_single_byte_guess_is_always_one_of_the_two(sample):
    assert detect.guess_single_byte(sample) in {"cp1252", "mac_roman"}


@EXAMPLES
@given(tricky_text)
def test_plausibility_scores_any_text(text):
    assert isinstance(detect.plausibility(text), int)


@EXAMPLES
@given(st.binary(max_size=400))
@example(b"PK\x03\x04 not a zip at all")
@example(b"\xd0\xcf\x11\xe0 legacy office")
def test_detect_format_names_a_format_or_raises_the_importers_error(data):
    try:
        assert formats.detect_format(io.BytesIO(data)) in detect.FORMATS
    except ImportFileError as error:
        assert str(error)


# Whole files of arbitrary bytes -------------------------------------------------------------------------------

TABLE_HEADER_LINE = ",".join(table.REQUIRED_COLUMNS).encode() + b"\n"
UPR_INFO_HEADER_LINE = ",".join(UPR_INFO_HEADER).encode() + b"\r"


@EXAMPLES
@given(st.binary(max_size=400), st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe"]))
@example(b"1,a,KAZ,NOR,7,,,,,\n\x00\xd8\x41", b"\xff\xfe")
def test_table_parser_reads_any_csv_bytes_or_raises_its_error(body, bom):
    header = TABLE_HEADER_LINE.decode().encode("utf-16-le") if bom == b"\xff\xfe" else TABLE_HEADER_LINE
    result = consume(table.parse, io.BytesIO(bom + header + body))
    if not isinstance(result, ImportFileError):
        for row in result:
            assert_well_formed(row)


@EXAMPLES
@given(st.binary(max_size=400), st.sampled_from([b"", b"\xff\xfe"]))
def test_upr_info_parser_reads_any_csv_bytes_or_raises_its_error(body, bom):
    header = UPR_INFO_HEADER_LINE.decode().encode("utf-16-le") if bom else UPR_INFO_HEADER_LINE
    result = consume(upr_info.parse, io.BytesIO(bom + header + body))
    if not isinstance(result, ImportFileError):
        for row in result:
            assert_well_formed(row)


def _damaged(archive: bytes, data) -> bytes:
    """The archive with a few bytes overwritten: a damaged download, or a crafted file."""
    damaged = bytearray(archive)
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    return bytes(damaged)


VALID_DOCX = ohchr_list_docx(
    NEW_HEADER, ["Theme: Women", ["97.1 Protect defenders (Norway)", "Supported", "- Women's rights", ""]]
).getvalue()
VALID_XLSX = table_xlsx(
    [table.REQUIRED_COLUMNS, ["97.1", "Protect defenders", "KAZ", "NOR", 7, "supported", 5, "", "", 16]]
).getvalue()


@FEW
@given(st.data())
def test_a_damaged_docx_parses_or_raises_the_importers_error(data):
    result = consume(lambda s: ohchr_docx.parse(s, states=FixedStates()), io.BytesIO(_damaged(VALID_DOCX, data)))
    if not isinstance(result, ImportFileError):
        for row in result:
            assert_well_formed(row)


@FEW
@given(st.data())
def test_a_damaged_xlsx_parses_or_raises_the_importers_error(data):
    result = consume(table.parse, io.BytesIO(_damaged(VALID_XLSX, data)))
    if not isinstance(result, ImportFileError):
        for row in result:
            assert_well_formed(row)


@FEW
@given(st.binary(max_size=300))
def test_a_zip_of_anything_is_the_importers_error(content):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("word/document.xml", content)
    stream.seek(0)
    assert isinstance(consume(lambda s: ohchr_docx.parse(s, states=FixedStates()), stream), ImportFileError)


# Row, cell and paragraph parsing ----------------------------------------------------------------------------


@EXAMPLES
@given(st.dictionaries(st.sampled_from(table.COLUMNS), tricky_text))
def test_table_row_parsing_never_fails(values):
    assert_well_formed(table.parse_record("2", values))


@EXAMPLES
@given(st.lists(tricky_text, max_size=13))
def test_upr_info_row_parsing_never_fails(record):
    row = upr_info.parse_record("2", record)
    assert_well_formed(row)
    if len(record) != len(upr_info.COLUMNS):
        assert row.has_errors


@EXAMPLES
@given(
    st.fixed_dictionaries({}, optional={role: tricky_text for role in ("recommendation", "position", "themes", "sdgs")})
)
@example({"recommendation": "97.1 Protect (Portugal, Slovakia) (Norway) (No. 29);"})
@example({"recommendation": "1.1 x (((((((Venezuela (Bolivarian Republic of))"})
def test_ohchr_paragraph_parsing_never_fails_and_names_only_known_states(cells):
    row = ohchr_docx.parse_paragraph("table row 2", cells, FixedStates())
    assert_well_formed(row)
    assert set(row.recommending_states) <= KNOWN_STATES


@EXAMPLES
@given(st.lists(st.sampled_from(sorted(KNOWN_STATES)), min_size=1, max_size=4), cell_text)
def test_ohchr_state_groups_at_the_end_are_read_and_removed(states, text):
    text = " ".join(text.replace("(", " ").replace(")", " ").split()) or "Protect defenders"
    assume(not text.rstrip().endswith((";", ".")))
    parsed = ParsedRow(row="97.1", text="")
    groups = " ".join(f"({state})" for state in states)
    stripped, names = ohchr_docx.split_states(f"{text} {groups}", FixedStates(), parsed)
    assert names == list(dict.fromkeys(states))
    assert stripped == text.rstrip(";").rstrip()


@EXAMPLES
@given(tricky_text)
def test_source_of_position_is_split_off_whatever_the_cell(cell):
    body, source = ohchr_docx.split_source(cell)
    assert cell.startswith(body)
    assert source in cell[len(body) :]


@EXAMPLES
@given(tricky_text)
def test_responses_parse_to_a_model_value_blank_or_none(wording):
    assert base.parse_response(wording) in {None, "", *Response.values}


@EXAMPLES
@given(st.integers(0, 10**12))
def test_integers_parse_back_from_their_spreadsheet_spellings(number):
    for spelling in (str(number), f"{number}.0", f" {number} ", float(number), number):
        assert base.parse_int(spelling) == number


@EXAMPLES
@given(st.one_of(tricky_text, st.floats(allow_nan=True), st.booleans(), st.none()))
def test_parse_int_reads_anything(value):
    assert base.parse_int(value) is None or isinstance(base.parse_int(value), int)


@EXAMPLES
@given(tricky_text)
def test_clean_is_idempotent_and_trims(text):
    cleaned = base.clean(text)
    assert base.clean(cleaned) == cleaned
    assert cleaned == cleaned.strip()


# Round trips ---------------------------------------------------------------------------------------------------


@EXAMPLES
@given(st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=200))
@example('=HYPERLINK("http://evil.example","x")')
@example("'=already quoted")
@example("\t-1")
def test_formula_quoting_round_trips_and_never_leaves_a_formula(text):
    quoted = table.quote_formula(text)
    assert table.unquote_formula(quoted) == text
    assert not quoted.startswith(("=", "+", "-", "@", "\t", "\r"))


@EXAMPLES
@given(
    text=cell_text.map(str.strip).filter(bool),
    paragraph=st.from_regex(r"[0-9]{1,3}\.[0-9]{1,3}", fullmatch=True),
    states=st.lists(st.sampled_from(["FRA", "NOR", "KAZ", "BRA"]), unique=True, max_size=3),
    sdgs=st.lists(st.integers(1, 17), unique=True, max_size=4),
    themes=st.lists(st.text("abcdefgh ':-", min_size=1, max_size=20).map(base.clean).filter(bool), max_size=3),
)
def test_an_exported_row_reads_back_as_written(text, paragraph, states, sdgs, themes):
    themes = list(dict.fromkeys(f"upr-info:{name}" for name in themes if ";" not in name))
    values = {
        "paragraph": paragraph,
        "text": text,
        "state_under_review": "KAZ",
        "recommending_states": exporting.SEPARATOR.join(states),
        "session": 7,
        "response": "supported",
        "action_category": "",
        "themes": exporting.SEPARATOR.join(themes),
        "affected_groups": "",
        "sdgs": exporting.SEPARATOR.join(map(str, sdgs)),
    }
    lines = exporting.csv_lines([table.REQUIRED_COLUMNS, [values[name] for name in table.REQUIRED_COLUMNS]])
    [row] = list(table.parse(io.BytesIO("".join(lines).encode())).rows)
    assert (row.text, row.paragraph, row.recommending_states, row.sdgs) == (text, paragraph, states, sdgs)
    assert [str(theme) for theme in row.themes] == themes
    assert not row.has_errors


@pytest.mark.django_db
@FEW
@given(text=cell_text.map(str.strip).filter(bool))
@example(text="=1+1")
@example(text="Line one\r\nline two; “quoted” — ünïcödé 😀")
def test_a_recommendation_exported_and_imported_again_is_unchanged(review_kaz_2010, make_recommendation, text):
    from recommendations.imports import import_recommendations
    from recommendations.models import Recommendation

    recommendation = make_recommendation(review_kaz_2010, "placeholder", paragraph="97.1")
    Recommendation.objects.filter(pk=recommendation.pk).update(text=text)
    exported = "".join(exporting.csv_lines(exporting.export_rows())).encode()
    result = import_recommendations(file=io.BytesIO(exported), format="table")
    assert (result.written, result.errors, result.unchanged) == (True, [], 1), result.problems
    assert Recommendation.objects.get(pk=recommendation.pk).text == text
    recommendation.delete()


def test_exported_csv_is_plain_csv():
    """What the round trips rely on: one header line, the values quoted as the csv module reads them."""
    lines = list(exporting.csv_lines([["text"], ['a, "b"\nc']]))
    assert list(csv.reader(io.StringIO("".join(lines)))) == [["text"], ['a, "b"\nc']]
