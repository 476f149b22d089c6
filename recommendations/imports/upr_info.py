"""UPR Info database exports (CSV): one row per recommending State, no paragraph numbers.

Columns: To, To-Rgrp, To-Org, Text, From, From-Rgrp, From-Org, Response,
Action, Issue, Session. The regional group and organisation columns repeat
reference data and are ignored. Values may carry HTML entities
("&#40;Unknown&#41;"), which are decoded everywhere.

The texts are English (UPR Info's database is), unless a last column
"Language" gives each row's ISO 639-1 code.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recommendations.imports import detect
from recommendations.imports.base import (
    ACTION_CATEGORY,
    KIND,
    LANGUAGE,
    RECOMMENDING_STATES,
    RESPONSE,
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

COLUMNS = ["To", "To-Rgrp", "To-Org", "Text", "From", "From-Rgrp", "From-Org", "Response", "Action", "Issue", "Session"]
SCHEME = "upr-info"
READ = frozenset({"To", "Text", "From", "Response", "Action", "Issue", "Session"})
LANGUAGE_COLUMN = "Language"  # optional, after the others
UNKNOWN_STATE = "(unknown)"
VOLUNTARY_PLEDGE = "voluntary pledge"

FIELD_COLUMNS = {
    STATE_UNDER_REVIEW: "To",
    TEXT: "Text",
    RECOMMENDING_STATES: "From",
    RESPONSE: "Response",
    ACTION_CATEGORY: "Action",
    THEMES: "Issue",
    SESSION: "Session",
    KIND: "Response",
}


def is_header(header: list[str]) -> bool:
    names = [name.casefold() for name in header]
    expected = [name.casefold() for name in COLUMNS]
    return names in (expected, [*expected, LANGUAGE_COLUMN.casefold()])


def parse(stream: BinaryIO) -> ParsedFile:
    """Check the header now, then stream the rows (the file must stay open while they are read)."""
    encoding = detect.detect_encoding(stream)
    header = detect.read_csv_header(stream, encoding)
    if not is_header(header):
        raise ImportFileError(
            _("Not a UPR Info export: the columns must be %(columns)s.") % {"columns": ", ".join(COLUMNS)}
        )
    with_language = len(header) > len(COLUMNS)
    provides = {TEXT, KIND, ACTION_CATEGORY, RECOMMENDING_STATES, RESPONSE, THEMES} | (
        {LANGUAGE} if with_language else set()
    )
    return ParsedFile(
        format=detect.UPR_INFO,
        rows=_rows(stream, encoding, with_language),
        columns={**FIELD_COLUMNS, LANGUAGE: LANGUAGE_COLUMN},
        provides=frozenset(provides),
        theme_schemes=frozenset({SCHEME}),
    )


def _rows(stream: BinaryIO, encoding: str, with_language: bool) -> Iterator[ParsedRow]:
    with detect.text_reader(stream, encoding) as text:
        records = _records(csv.reader(text), encoding)
        next(records, None)
        # Row numbers count the header as row 1, as a spreadsheet shows them.
        for number, record in enumerate(records, start=2):
            if any(value.strip() for value in record):
                yield _with_language(str(number), record) if with_language else parse_record(str(number), record)


def _with_language(row: str, record: list[str]) -> ParsedRow:
    """A row of an export with the Language column after the others."""
    if len(record) != len(COLUMNS) + 1:
        parsed = ParsedRow(row=row, text="")
        parsed.error("", f"Expected {len(COLUMNS) + 1} columns, found {len(record)}.")
        return parsed
    parsed = parse_record(row, record[:-1])
    read_language(parsed, clean(html.unescape(record[-1])), LANGUAGE)
    return parsed


def _records(reader, encoding: str) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFileError(detect.malformed_csv(reader.line_num, exc)) from None
    except UnicodeDecodeError as exc:  # a BOM promised an encoding the rest of the file does not keep to
        raise ImportFileError(detect.undecodable(encoding, reader.line_num + 1, exc)) from None


def parse_record(row: str, record: list[str]) -> ParsedRow:
    # The regional group and organisation columns are not read: no need to clean them.
    values = {name: clean(html.unescape(value)) for name, value in zip(COLUMNS, record, strict=False) if name in READ}
    parsed = ParsedRow(row=row, text=values.get("Text", ""), state_under_review=values.get("To", ""))
    if len(record) != len(COLUMNS):
        message = ngettext(
            "Expected %(expected)d column, found %(found)d.",
            "Expected %(expected)d columns, found %(found)d.",
            len(COLUMNS),
        )
        parsed.error("", message % {"expected": len(COLUMNS), "found": len(record)})
        return parsed
    parsed.session = values["Session"]
    _read_response(parsed, values["Response"], values["From"])
    _read_action(parsed, values["Action"])
    parsed.themes = [ThemeRef(name, SCHEME) for name in _split(values["Issue"])]
    return parsed


def _read_response(parsed: ParsedRow, response: str, recommending_state: str) -> None:
    if response.casefold() == VOLUNTARY_PLEDGE:
        # A State's own pledge: no recommending State and no response to it.
        parsed.kind = "voluntary_pledge"
        return
    value = parse_response(response)
    if value is None:
        parsed.error("Response", _("Unknown response %(response)s.") % {"response": repr(response)})
    else:
        parsed.response = value
    if recommending_state.casefold() == UNKNOWN_STATE:
        parsed.warn("From", _("Recommending State is (Unknown) in the source: imported without one."))
    elif recommending_state:
        parsed.recommending_states = [recommending_state]
    else:
        parsed.error("From", _("No recommending State."))


def _read_action(parsed: ParsedRow, action: str) -> None:
    if not action:
        return
    category = parse_int(action)
    if category is None or not 1 <= category <= 5:
        parsed.error("Action", bad_action_category(action))
    else:
        parsed.action_category = category


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]
