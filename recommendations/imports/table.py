"""The generic table (CSV or XLSX) editors keep in spreadsheets, and what the app exports.

Columns (header names, any order, case-insensitive):

- required: paragraph, text, state_under_review, recommending_states, session,
  response, action_category, themes, affected_groups, sdgs;
- optional: response_source, kind and language are read; id, cycle, status
  and updated_at are written by the exporter for readers and ignored here.

In CSV, a cell the exporter prefixed with "'" because it starts like a spreadsheet formula
(=, +, -, @, tab or carriage return) is read without that prefix (see quote_formula).

States are ISO3 codes or any known name. Lists are separated by ";". Themes
are written "scheme:theme" (e.g. "ohchr:A12", "upr-info:Women's rights"),
where the theme is its code, name or slug in that scheme; a theme without a
scheme prefix is looked up in every scheme and must be found in exactly one.
Affected groups are names or slugs, SDGs numbers 1–17. A blank response
records no position (existing positions are kept). `language` is the ISO 639-1
code of the text's language (en, fr, es …); without the column texts are
English and existing ones keep theirs, a blank cell is English.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from recommendations.imports import detect
from recommendations.imports.base import (
    ACTION_CATEGORY,
    AFFECTED_GROUPS,
    KIND,
    LANGUAGE,
    PARAGRAPH,
    RECOMMENDING_STATES,
    RESPONSE,
    RESPONSE_SOURCE,
    SDGS,
    SESSION,
    STATE_UNDER_REVIEW,
    TEXT,
    THEMES,
    ImportFileError,
    ParsedFile,
    ParsedRow,
    ThemeRef,
    bad_action_category,
    clean,
    parse_int,
    parse_response,
    read_language,
)

REQUIRED_COLUMNS = [
    PARAGRAPH,
    TEXT,
    STATE_UNDER_REVIEW,
    RECOMMENDING_STATES,
    SESSION,
    RESPONSE,
    ACTION_CATEGORY,
    THEMES,
    AFFECTED_GROUPS,
    SDGS,
]
READ_OPTIONAL_COLUMNS = [RESPONSE_SOURCE, KIND, LANGUAGE]
# State names beside their ISO3 codes, for people reading an export (in the language it was asked in): the
# importer reads the codes and ignores the names.
NAME_COLUMNS = {STATE_UNDER_REVIEW: "state_under_review_name", RECOMMENDING_STATES: "recommending_state_names"}
EXTRA_COLUMNS = ["id", "cycle", "status", "updated_at"]
IGNORED_COLUMNS = [*NAME_COLUMNS.values(), *EXTRA_COLUMNS]
# The exporter's column order: the required columns, each code followed by its name column, then the extras
# (those the importer ignores first).
COLUMNS = [
    *(name for column in REQUIRED_COLUMNS for name in (column, NAME_COLUMNS.get(column)) if name),
    *EXTRA_COLUMNS,
    *READ_OPTIONAL_COLUMNS,
]

SCHEMES = ("upr-info", "ohchr")
KINDS = {
    "recommendation": "recommendation",
    "voluntary_pledge": "voluntary_pledge",
    "voluntary pledge": "voluntary_pledge",
}
LIST_SEPARATOR = ";"
# Text a spreadsheet would run as a formula when it opens a CSV file (CSV/formula injection), with any
# apostrophes already in front of it.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def quote_formula(value: str) -> str:
    """The CSV cell for `value`: "'" in front of what a spreadsheet would run as a formula, so it shows as text.

    Lossless with unquote_formula: text that already starts with "'" and then a formula gets one more.
    """
    return f"'{value}" if _FORMULA.match(value) else value


def unquote_formula(value: str) -> str:
    return value[1:] if value.startswith("'") and _FORMULA.match(value) else value


def is_header(header: list[str]) -> bool:
    return set(REQUIRED_COLUMNS) <= {name.strip().casefold() for name in header}


def parse(stream: BinaryIO) -> ParsedFile:
    """Check the header now, then stream the rows (the file must stay open while they are read)."""
    records = _xlsx_records(stream) if stream.read(4) == detect.ZIP_MAGIC else None
    stream.seek(0)
    if records is None:
        records = _csv_records(stream)
    header = _check_header(next(records, []))
    provides = {TEXT, RECOMMENDING_STATES, RESPONSE, ACTION_CATEGORY, THEMES, AFFECTED_GROUPS, SDGS}
    provides.update(name for name in (KIND, LANGUAGE) if name in header)
    return ParsedFile(
        format=detect.TABLE,
        rows=_rows(header, records),
        columns={name: name for name in COLUMNS},
        provides=frozenset(provides),
        theme_schemes=None,
    )


def _check_header(raw: list[str]) -> list[str]:
    header = [name.strip().casefold() for name in raw]
    while header and not header[-1]:
        header.pop()
    problems = header_problems(header, REQUIRED_COLUMNS, COLUMNS)
    if problems:
        raise ImportFileError(
            _("Wrong table header (%(problems)s). Expected: %(columns)s.")
            % {"problems": problems, "columns": ", ".join(COLUMNS)}
        )
    return header


def header_problems(header: list[str], required: list[str], known: list[str]) -> str:
    """ "missing columns: a, b; unknown columns: c", or "" when the header has every required column and no other."""
    missing = [name for name in required if name not in header]
    unknown = [name or pgettext("import: a blank column name", "(blank)") for name in header if name not in known]
    repeated = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(_("unknown columns: %(columns)s") % {"columns": ", ".join(unknown)})
    if repeated:
        problems.append(_("repeated columns: %(columns)s") % {"columns": ", ".join(repeated)})
    return "; ".join(problems)


def _csv_records(stream: BinaryIO) -> Iterator[list[str]]:
    encoding = detect.detect_encoding(stream)
    with detect.text_reader(stream, encoding) as text:
        reader = csv.reader(text)
        try:
            for record in reader:
                yield [unquote_formula(value) for value in record]
        except csv.Error as exc:
            raise ImportFileError(detect.malformed_csv(reader.line_num, exc)) from None
        except UnicodeDecodeError as exc:  # a BOM promised an encoding the rest of the file does not keep to
            raise ImportFileError(detect.undecodable(encoding, reader.line_num + 1, exc)) from None


def _xlsx_records(stream: BinaryIO) -> Iterator[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    detect.open_zip(stream)
    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, *detect.DAMAGED_ARCHIVE) as exc:
        raise ImportFileError(_("The XLSX file cannot be read: %(error)s.") % {"error": exc}) from None
    return _sheet_records(workbook)


def _sheet_records(workbook) -> Iterator[list[str]]:
    """The first sheet's rows, read lazily (read-only mode parses the sheet as it goes)."""
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    # The sheet is decompressed and parsed as it is read: damage shows up here too.
    except detect.DAMAGED_ARCHIVE as exc:
        raise ImportFileError(_("The XLSX file cannot be read: %(error)s.") % {"error": exc}) from None
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _rows(header: list[str], records: Iterable[list[str]]) -> Iterator[ParsedRow]:
    for number, record in enumerate(records, start=2):
        if any(value.strip() for value in record):
            values = dict(zip(header, record, strict=False))
            yield parse_record(str(number), values)


def parse_record(row: str, values: dict[str, str]) -> ParsedRow:
    def value(name: str) -> str:
        return clean(values.get(name, ""))

    parsed = ParsedRow(
        row=row,
        # Texts keep their line breaks: what the app exports must come back unchanged.
        text=values.get(TEXT, "").strip(),
        paragraph=value(PARAGRAPH),
        state_under_review=value(STATE_UNDER_REVIEW),
        session=value(SESSION),
        recommending_states=split(value(RECOMMENDING_STATES)),
        response_source=value(RESPONSE_SOURCE),
        affected_groups=split(value(AFFECTED_GROUPS)),
        themes=[theme_ref(item) for item in split(value(THEMES))],
    )
    _read_response(parsed, value(RESPONSE))
    _read_kind(parsed, value(KIND))
    read_language(parsed, value(LANGUAGE), LANGUAGE)
    _read_action(parsed, value(ACTION_CATEGORY))
    _read_sdgs(parsed, value(SDGS))
    return parsed


def split(value: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()))


def theme_ref(item: str) -> ThemeRef:
    """ "ohchr:A12" → the scheme and the theme; without a known scheme prefix, every scheme is searched."""
    scheme, separator, rest = item.partition(":")
    if separator and scheme.strip().casefold() in SCHEMES and rest.strip():
        return ThemeRef(rest.strip(), scheme.strip().casefold())
    return ThemeRef(item)


def _read_response(parsed: ParsedRow, wording: str) -> None:
    response = parse_response(wording.replace("_", " "))
    if response is None:
        message = _("Unknown response %(response)s (use supported, noted, partially_supported or pending).")
        parsed.error(RESPONSE, message % {"response": repr(wording)})
    else:
        parsed.response = response
    if parsed.response_source and not parsed.response:
        parsed.error(RESPONSE_SOURCE, _("A response source needs a response."))


def _read_kind(parsed: ParsedRow, wording: str) -> None:
    kind = KINDS.get(wording.casefold(), None) if wording else "recommendation"
    if kind is None:
        parsed.error(
            KIND, _("Unknown kind %(kind)s (use recommendation or voluntary_pledge).") % {"kind": repr(wording)}
        )
        return
    parsed.kind = kind
    if kind == "voluntary_pledge" and parsed.recommending_states:
        parsed.error(RECOMMENDING_STATES, _("A voluntary pledge has no recommending States."))


def _read_action(parsed: ParsedRow, wording: str) -> None:
    if not wording:
        return
    category = parse_int(wording)
    if category is None or not 1 <= category <= 5:
        parsed.error(ACTION_CATEGORY, bad_action_category(wording))
    else:
        parsed.action_category = category


def _read_sdgs(parsed: ParsedRow, wording: str) -> None:
    for item in split(wording):
        number = parse_int(item.removeprefix("SDG").strip())
        if number is None or not 1 <= number <= 17:
            parsed.error(SDGS, _("Not an SDG number (1 to 17): %(value)s.") % {"value": repr(item)})
        elif number not in parsed.sdgs:
            parsed.sdgs.append(number)
