"""The assessment sheet: its columns, and reading a CSV or XLSX file of it into rows without touching the database.

One row per assessment of one organisation. Columns (header names in any order, case-insensitive):

- read on import: assessment_id (blank for a new assessment), recommendation_id, status, assessed_on
  (YYYY-MM-DD), narrative, publication_state (blank: a draft), version (the one exported; required to change
  an existing assessment), evidence_urls and evidence_titles (";"-separated, in the same order: a title names
  a new source created for that URL);
- for the reader only, ignored on import: state_under_review, session, paragraph, recommendation_text,
  revision_of; organisation is checked (a row of another organisation's is refused).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.imports import detect, table
from recommendations.imports.base import ERROR, WARNING, ImportFileError, Problem, clean, parse_int
from recommendations.models import EvidenceSource, ImplementationStatus, Publication

ASSESSMENT_ID = "assessment_id"
RECOMMENDATION_ID = "recommendation_id"
ORGANISATION = "organisation"
STATUS = "status"
ASSESSED_ON = "assessed_on"
NARRATIVE = "narrative"
PUBLICATION_STATE = "publication_state"
VERSION = "version"
EVIDENCE_URLS = "evidence_urls"
EVIDENCE_TITLES = "evidence_titles"

REQUIRED_COLUMNS = [
    ASSESSMENT_ID,
    RECOMMENDATION_ID,
    STATUS,
    ASSESSED_ON,
    NARRATIVE,
    PUBLICATION_STATE,
    VERSION,
    EVIDENCE_URLS,
]
CONTEXT_COLUMNS = ["state_under_review", "session", "paragraph", "recommendation_text", "revision_of"]
# The exporter's order: what identifies the row, the recommendation for context, then what the editor fills in.
COLUMNS = [
    ASSESSMENT_ID,
    RECOMMENDATION_ID,
    ORGANISATION,
    "state_under_review",
    "session",
    "paragraph",
    "recommendation_text",
    STATUS,
    ASSESSED_ON,
    NARRATIVE,
    PUBLICATION_STATE,
    VERSION,
    EVIDENCE_URLS,
    EVIDENCE_TITLES,
    "revision_of",
]
LIST_SEPARATOR = ";"
# A spreadsheet cell holds at most 32,767 characters; a narrative is a few paragraphs.
NARRATIVE_MAX_LENGTH = 20_000
URL_MAX_LENGTH = EvidenceSource._meta.get_field("url").max_length
TITLE_MAX_LENGTH = EvidenceSource._meta.get_field("title").max_length
_STATUSES = {
    **{value: value for value in ImplementationStatus.values},
    **{str(label).casefold(): value for value, label in ImplementationStatus.choices},
}
_STATES = {value: value for value in Publication.values}
_validate_url = URLValidator(schemes=["http", "https"])


@dataclass
class SheetRow:
    """One row as the file has it, its values checked for form (not yet against the database)."""

    row: str
    assessment_id: int | None = None
    recommendation_id: int | None = None
    organisation: str = ""
    status: str = ""
    assessed_on: datetime.date | None = None
    narrative: str = ""
    publication_state: str = ""
    version: int | None = None
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (url, title for a new source)
    blank: bool = False  # a row of the export left to fill in, and not filled in
    problems: list[Problem] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.row, column, message))

    def warn(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.row, column, message, WARNING))

    @property
    def has_errors(self) -> bool:
        return any(problem.level == ERROR for problem in self.problems)

    @property
    def evidence_urls(self) -> set[str]:
        return {url for url, _title in self.evidence}


def read(stream: BinaryIO) -> Iterator[SheetRow]:
    """The file's rows (header checked first); ImportFileError when the file as a whole cannot be read."""
    stream.seek(0)
    if stream.read(4) == detect.ZIP_MAGIC:
        records = table._xlsx_records(stream)
    else:
        stream.seek(0)
        records = table._csv_records(stream)
    header = check_header(next(records, []))
    return _rows(header, records)


def check_header(raw: list[str]) -> list[str]:
    header = [name.strip().casefold() for name in raw]
    while header and not header[-1]:
        header.pop()
    problems = table.header_problems(header, REQUIRED_COLUMNS, COLUMNS)
    if problems:
        raise ImportFileError(
            _("This is not an assessment sheet (%(problems)s). Expected the columns: %(columns)s.")
            % {"problems": problems, "columns": ", ".join(COLUMNS)}
        )
    return header


def _rows(header: list[str], records: Iterator[list[str]]) -> Iterator[SheetRow]:
    for number, record in enumerate(records, start=2):
        if any(value.strip() for value in record):
            yield parse_record(str(number), dict(zip(header, record, strict=False)))


def parse_record(row: str, values: dict[str, str]) -> SheetRow:
    def value(name: str) -> str:
        return clean(values.get(name) or "")

    parsed = SheetRow(row=row, organisation=value(ORGANISATION))
    # The narrative keeps its line breaks: what the app exports comes back unchanged.
    parsed.narrative = (values.get(NARRATIVE) or "").strip()
    parsed.assessment_id = _read_id(parsed, ASSESSMENT_ID, value(ASSESSMENT_ID))
    filled = [value(name) for name in (STATUS, ASSESSED_ON, EVIDENCE_URLS)] + [parsed.narrative]
    if parsed.assessment_id is None and not any(filled) and not value(ASSESSMENT_ID):
        parsed.blank = True  # a recommendation offered to fill in, left as it was
        return parsed
    parsed.recommendation_id = _read_id(parsed, RECOMMENDATION_ID, value(RECOMMENDATION_ID), required=True)
    _read_status(parsed, value(STATUS))
    _read_date(parsed, value(ASSESSED_ON))
    _read_state(parsed, value(PUBLICATION_STATE))
    parsed.version = _read_id(parsed, VERSION, value(VERSION), required=parsed.assessment_id is not None)
    if len(parsed.narrative) > NARRATIVE_MAX_LENGTH:
        parsed.error(
            NARRATIVE,
            _("The narrative has %(length)d characters: at most %(max)d.")
            % {"length": len(parsed.narrative), "max": NARRATIVE_MAX_LENGTH},
        )
    _read_evidence(parsed, value(EVIDENCE_URLS), value(EVIDENCE_TITLES))
    return parsed


def _read_id(parsed: SheetRow, column: str, wording: str, *, required: bool = False) -> int | None:
    if not wording:
        if required:
            parsed.error(column, _("This column must be filled in."))
        return None
    number = parse_int(wording)
    if number is None or number < 1:
        parsed.error(column, _("Not a whole number: %(value)r.") % {"value": wording})
    return number


def _read_status(parsed: SheetRow, wording: str) -> None:
    status = _STATUSES.get(wording.casefold().replace(" ", "_")) or _STATUSES.get(wording.casefold())
    if status is None:
        parsed.error(
            STATUS,
            _("Unknown status %(value)r (use %(choices)s).")
            % {"value": wording, "choices": ", ".join(ImplementationStatus.values)},
        )
    parsed.status = status or ""


def _read_date(parsed: SheetRow, wording: str) -> None:
    # A spreadsheet's date cell reads as "2014-01-01T00:00:00".
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00)?)?", wording)
    try:
        parsed.assessed_on = datetime.date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        parsed.assessed_on = None
    if parsed.assessed_on is None:
        parsed.error(ASSESSED_ON, _("Not a date as YYYY-MM-DD: %(value)r.") % {"value": wording})
    elif parsed.assessed_on > timezone.localdate():
        parsed.error(ASSESSED_ON, _("This date is after today."))


def _read_state(parsed: SheetRow, wording: str) -> None:
    state = _STATES.get(wording.casefold()) if wording else ""
    if state is None:
        parsed.error(
            PUBLICATION_STATE,
            _("Unknown publication state %(value)r (use %(choices)s, or leave it blank for a draft).")
            % {"value": wording, "choices": ", ".join(Publication.values)},
        )
    parsed.publication_state = state or ""


def split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _read_evidence(parsed: SheetRow, urls: str, titles: str) -> None:
    url_list, title_list = split(urls), split(titles)
    if len(title_list) > len(url_list):
        parsed.error(EVIDENCE_TITLES, _("More titles than URLs: each title names the source of the URL in its place."))
    for index, url in enumerate(dict.fromkeys(url_list)):
        title = title_list[index] if index < len(title_list) else ""
        try:
            if len(url) > URL_MAX_LENGTH:
                raise ValidationError("too long")
            _validate_url(url)
        except ValidationError:
            parsed.error(EVIDENCE_URLS, _("Not a web address (http or https): %(value)r.") % {"value": url[:100]})
            continue
        if len(title) > TITLE_MAX_LENGTH:
            parsed.error(EVIDENCE_TITLES, _("A title has more than %(max)d characters.") % {"max": TITLE_MAX_LENGTH})
            continue
        parsed.evidence.append((url, title))
