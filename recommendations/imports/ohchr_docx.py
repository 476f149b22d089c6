"""OHCHR thematic lists of recommendations (DOCX): one review per file, one table.

The table has a header row, "Theme: …" rows that span it (headings that group
what follows, not recommendations), then one row per recommendation paragraph:

- the recommendation cell: "121.2 Complete … (Ukraine); Increase … (Slovakia);"
  and a last line "Source of Position: A/HRC/43/15 - Para 121";
- the position cell: "Supported" / "Noted";
- the themes cell: one theme a line ("- Right to health", or "A12 Acceptance of
  international norms" with an OHCHR code in older lists), then optionally an
  "SDGs:" section and an "Affected persons:" / "Groups of Persons:" section;
- a last column that is either free comments (ignored) or "Relevant SDGs".

Header texts, casing and spacing differ between cycles: columns are found by what their header says.

OHCHR publishes lists in French and Spanish too ("Recommandation", "Thème :" …; "Recomendación",
"Tema:" …): the recommendation column's header says the list's language, and its texts are imported
in it (Recommendation.language), so that search stems them as such; States, themes and affected
groups named in it resolve to the same rows as their English names.

Recommending States are the parenthesised groups that end a clause (before
";", "." or the end of the paragraph) and whose every comma-separated part is a
known State, so "(No. 29)", "(NHRI)" or "(2009–2014)" stay in the text while
"(Venezuela (Bolivarian Republic of))" and "(Portugal, Slovakia)" are States.
The States' parentheses are removed from the stored text (the model keeps
recommending States apart from the text); every other parenthesis stays, and so
does the published wording, apart from the list's closing ";".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

from core.localized import or_list
from recommendations.imports import detect
from recommendations.imports.base import (
    AFFECTED_GROUPS,
    DEFAULT_LANGUAGE,
    KIND,
    LANGUAGE,
    RECOMMENDING_STATES,
    RESPONSE,
    SDGS,
    SESSION,
    STATE_UNDER_REVIEW,
    TEXT,
    THEMES,
    ImportFileError,
    ParsedFile,
    ParsedRow,
    StateLookup,
    ThemeRef,
    clean,
    parse_response,
)

SCHEME = "ohchr"

RECOMMENDATION, POSITION, THEMES_COLUMN, SDG_COLUMN, COMMENTS = "recommendation", "position", "themes", "sdgs", "other"

_SOURCE = re.compile(
    r"\s*(?:source\s+of\s+position|source\s+de\s+la\s+position|fuente\s+de\s+la\s+posici[oó]n)\s*:?\s*(?P<source>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_PARAGRAPH = re.compile(r"(?P<number>\d{1,4}(?:\.\d{1,4})+)\.?\s*(?:[-–:]\s+)?(?P<text>.+)", re.DOTALL)
_SECTION = re.compile(
    r"(?P<name>sdgs?|odd|ods|affected\s+persons|groups?\s+of\s+persons|personnes\s+concernées|"
    r"groupes?\s+de\s+personnes|personas\s+afectadas|grupos?\s+de\s+personas)\s*:\s*(?P<rest>.*)",
    re.IGNORECASE,
)
_SDG_SECTIONS = ("sdg", "odd", "ods")  # "ODD" (objectifs de développement durable), "ODS" (objetivos …)
_BULLET = re.compile(r"^(?:[-–•▪·*]\s*)+")
_THEME_CODE = re.compile(r"(?P<code>[A-Z]\d{1,3})\s+(?P<name>\S.*)")
_SDG = re.compile(r"(?:sdg\s*|goal\s*|odd\s*|ods\s*)?(?P<number>\d{1,2})\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"\s*(?:[;.]|$)")
# "(NHRI)", "(UK)", "(CRPD)": acronyms are never read as States, even where an alias matches.
_ACRONYM = re.compile(r"[A-Z][A-Z.]{0,5}")
# The header of the recommendation column in each language besides English: the language of the list.
_HEADER_LANGUAGES = {"recommandation": "fr", "recomendación": "es", "recomendacion": "es"}
_RECOMMENDATION_HEADERS = ("recommendation", *_HEADER_LANGUAGES)
_POSITION_HEADERS = ("position", "posición", "posicion")
_SDG_HEADER = re.compile(r"\b(?:odd|ods)\b|objectifs\s+de\s+développement|objetivos\s+de\s+desarrollo")
_THEMES_HEADER = re.compile(r"\b(?:thèmes?|temas?)\b")
_THEME_HEADING = re.compile(r"(?:theme|thème|tema)\s*:", re.IGNORECASE)


def parse(stream: BinaryIO, *, states: StateLookup) -> ParsedFile:
    """All rows of the list (a DOCX is small: it is read at once)."""
    table = _find_table(_open(stream))
    roles = [_role(cell.text) for cell in table.rows[0].cells]
    labels = {role: clean(cell.text) for role, cell in zip(roles, table.rows[0].cells, strict=True) if role}
    classification = labels[THEMES_COLUMN]
    columns = {
        TEXT: labels[RECOMMENDATION],
        LANGUAGE: labels[RECOMMENDATION],
        RECOMMENDING_STATES: labels[RECOMMENDATION],
        RESPONSE: labels[POSITION],
        KIND: labels[RECOMMENDATION],
        THEMES: classification,
        AFFECTED_GROUPS: classification,
        SDGS: labels.get(SDG_COLUMN, classification),
        STATE_UNDER_REVIEW: "--state",
        SESSION: "--session",
    }
    rows = list(_rows(table, roles, states))
    language = list_language(labels[RECOMMENDATION])
    for row in rows:
        row.language = language
    return ParsedFile(
        format=detect.OHCHR_DOCX,
        rows=iter(rows),
        columns=columns,
        provides=frozenset({TEXT, LANGUAGE, KIND, RECOMMENDING_STATES, RESPONSE, THEMES, AFFECTED_GROUPS, SDGS}),
        theme_schemes=frozenset({SCHEME}),
        creates_taxonomy=True,
    )


def _open(stream: BinaryIO):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    detect.open_zip(stream)  # a clear message for a damaged archive
    stream.seek(0)
    try:
        return docx.Document(stream)
    except (PackageNotFoundError, *detect.DAMAGED_ARCHIVE) as exc:
        raise ImportFileError(_("The DOCX file cannot be read: %(error)s.") % {"error": exc}) from None


def list_language(recommendation_header: str) -> str:
    """The language of a list, from its recommendation column's header: "Recommandation" → "fr"."""
    text = clean(recommendation_header).casefold()
    return next((code for word, code in _HEADER_LANGUAGES.items() if text.startswith(word)), DEFAULT_LANGUAGE)


def _role(header: str) -> str | None:
    text = clean(header).casefold()
    if text.startswith(_RECOMMENDATION_HEADERS):
        return RECOMMENDATION
    if text.startswith(_POSITION_HEADERS):
        return POSITION
    if "sdg" in text or _SDG_HEADER.search(text):
        return SDG_COLUMN
    if "theme" in text or _THEMES_HEADER.search(text):
        return THEMES_COLUMN
    return COMMENTS if text else None


def _find_table(document):
    required = {RECOMMENDATION, POSITION, THEMES_COLUMN}
    for table in document.tables:
        if table.rows and required <= {_role(cell.text) for cell in table.rows[0].cells}:
            return table
    if not document.tables:
        raise ImportFileError(_("The DOCX file has no table: it is not an OHCHR thematic list of recommendations."))
    raise ImportFileError(
        _(
            "No table in the DOCX file has the thematic list's header "
            "(Recommendation, Position, Full list of themes / Human rights themes …)."
        )
    )


def _rows(table, roles: list[str | None], states: StateLookup) -> Iterator[ParsedRow]:
    for number, row in enumerate(table.rows[1:], start=2):
        cells = {}
        for role, cell in zip(roles, row.cells, strict=False):
            if role and role not in cells:
                cells[role] = cell.text
        first = cells.get(RECOMMENDATION, "").strip()
        if first and not _is_theme_heading(first, [cell.text for cell in row.cells]):
            yield parse_paragraph(_("table row %(number)s") % {"number": number}, cells, states)


def _is_theme_heading(first: str, texts: list[str]) -> bool:
    if _THEME_HEADING.match(first):
        return True
    # A row merged across the table (every cell shows the same text) without a paragraph number is a heading too.
    return len(texts) > 1 and len(set(texts)) == 1 and not _PARAGRAPH.match(first)


def parse_paragraph(label: str, cells: dict[str, str], states: StateLookup) -> ParsedRow:
    """One recommendation row; `label` names the row in problems until the paragraph number is known."""
    body, source = split_source(cells.get(RECOMMENDATION, ""))
    position, position_source = split_source(cells.get(POSITION, ""))
    match = _PARAGRAPH.fullmatch(clean(body))
    if not match:
        parsed = ParsedRow(row=label, text=clean(body))
        parsed.error(TEXT, _("No paragraph number (such as 121.2) at the start of the recommendation."))
        return parsed
    parsed = ParsedRow(row=match["number"], paragraph=match["number"], text="")
    parsed.text, parsed.recommending_states = split_states(match["text"], states, parsed)
    parsed.response_source = clean(source or position_source)
    _read_position(parsed, position)
    _read_classification(parsed, cells.get(THEMES_COLUMN, ""))
    for line in cells.get(SDG_COLUMN, "").splitlines():
        heading = _SECTION.fullmatch(clean(line))
        _read_sdg_line(parsed, heading["rest"] if heading else line)
    parsed.sdgs = list(dict.fromkeys(parsed.sdgs))
    return parsed


def split_source(cell: str) -> tuple[str, str]:
    """The cell without its "Source of position: …" line, and that source."""
    match = _SOURCE.search(cell)
    if not match:
        return cell, ""
    return cell[: match.start()], match["source"]


def _read_position(parsed: ParsedRow, cell: str) -> None:
    wording = next((clean(line) for line in cell.splitlines() if line.strip()), "")
    response = parse_response(wording)
    if response is None:
        parsed.error(RESPONSE, _("Unknown position %(position)s.") % {"position": repr(wording)})
    elif not response:
        parsed.warn(RESPONSE, _("No position given: imported without a response."))
    else:
        parsed.response = response


def _read_classification(parsed: ParsedRow, cell: str) -> None:
    """Themes, then the optional "SDGs:" and "Affected persons:" / "Groups of Persons:" sections."""
    section = THEMES
    for raw_line in cell.splitlines():
        line = clean(raw_line)
        heading = _SECTION.fullmatch(line)
        if heading:
            section = SDGS if heading["name"].casefold().startswith(_SDG_SECTIONS) else AFFECTED_GROUPS
            line = heading["rest"]
        item = _BULLET.sub("", line).strip()
        if not item:
            continue
        if section == THEMES:
            code = _THEME_CODE.fullmatch(item)
            parsed.themes.append(ThemeRef(code["name"], SCHEME, code["code"]) if code else ThemeRef(item, SCHEME))
        elif section == SDGS:
            _read_sdg_line(parsed, item)
        elif item not in parsed.affected_groups:
            parsed.affected_groups.append(item)
    parsed.themes = list(dict.fromkeys(parsed.themes))


def _read_sdg_line(parsed: ParsedRow, line: str) -> None:
    """ "16 - PEACE, JUSTICE AND STRONG INSTITUTIONS" or "5, 16": the numbers that start each part."""
    line = _BULLET.sub("", line).strip()
    if not line:
        return
    numbers = [int(m["number"]) for part in line.split(",") if (m := _SDG.match(part.strip()))]
    if not numbers:
        parsed.error(SDGS, _("Not an SDG: %(text)s.") % {"text": repr(line)})
    for number in numbers:
        if 1 <= number <= 17:
            parsed.sdgs.append(number)
        else:
            parsed.error(SDGS, _("SDG %(number)s does not exist (SDGs are numbered 1 to 17).") % {"number": number})


def split_states(text: str, states: StateLookup, parsed: ParsedRow) -> tuple[str, list[str]]:
    """The text without the recommending States' parentheses, and those States' names in order.

    Problems (a State-like name that is not known, a paragraph without any
    State) are recorded on `parsed`.
    """
    found: list[tuple[int, int, list[str]]] = []
    runs, inner_groups = _terminal_runs(text)
    for start, end in inner_groups:
        if state_list(text[start + 1 : end - 1], states):
            message = _(
                "%(states)s names a State in the middle of a clause: kept in the text, not read as a "
                "recommending State."
            )
            parsed.warn(RECOMMENDING_STATES, message % {"states": text[start:end]})
    for index, run in enumerate(runs):
        last_run = index == len(runs) - 1
        found.extend(_states_of_run(text, run, states, parsed, last_run))
    if not found and not parsed.has_errors:
        parsed.error(RECOMMENDING_STATES, _("No recommending State in parentheses at the end of the recommendation."))
    found.sort()
    names = [name for _, _, group in found for name in group]
    return _strip_spans(text, [(start, end) for start, end, _ in found]), list(dict.fromkeys(names))


def _states_of_run(text, run, states, parsed, last_run) -> list[tuple[int, int, list[str]]]:
    """The State groups at the end of one run, read right to left until a group is not one."""
    found = []
    for start, end in reversed(run):
        names = state_list(text[start + 1 : end - 1], states)
        if names is None:
            break
        found.append((start, end, names))
    if not found:
        _report_unknown(text[run[-1][0] + 1 : run[-1][1] - 1], states, parsed, last_run)
    return found


def _report_unknown(inner: str, states: StateLookup, parsed: ParsedRow, last_run: bool) -> None:
    """A group where the States belong that is not a State list: an error if it looks like State names."""
    for part in _split_top_level(inner):
        name = clean(part)
        if not _state_like(name) or _is_state(name, states):
            continue
        suggestions = states.suggest(name)
        if suggestions:
            message = _("Unknown recommending State %(name)s. Did you mean %(suggestions)s?") % {
                "name": repr(name),
                "suggestions": or_list(suggestions),
            }
            parsed.error(RECOMMENDING_STATES, message)
        elif last_run:
            parsed.error(RECOMMENDING_STATES, _("Unknown recommending State %(name)s.") % {"name": repr(name)})


def _state_like(name: str) -> bool:
    return bool(name) and name[0].isupper() and not any(c.isdigit() for c in name) and not _ACRONYM.fullmatch(name)


def state_list(inner: str, states: StateLookup) -> list[str] | None:
    """The State names of "Portugal, Slovakia" or "Korea, Republic of"; None unless every part is a State.

    Names may contain commas and parentheses, so parts are joined greedily:
    the longest run of comma-separated parts that names a State wins.
    """
    parts = _split_top_level(inner)
    names: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            candidate = clean(",".join(parts[i:j]))
            if _is_state(candidate, states):
                names.append(candidate)
                i = j
                break
        else:
            return None
    return names or None


def _is_state(name: str, states: StateLookup) -> bool:
    return bool(name) and not _ACRONYM.fullmatch(name) and states.resolve(name) is not None


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside nested parentheses."""
    parts, depth, current = [], 0, []
    for char in text:
        depth += (char == "(") - (char == ")" and depth > 0)
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _groups(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the top-level parenthesised groups, parentheses included."""
    spans, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "(":
            start = i if depth == 0 else start
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def _terminal_runs(text: str) -> tuple[list[list[tuple[int, int]]], list[tuple[int, int]]]:
    """Runs of adjacent groups ("(France) (Lithuania)") that end a clause (before ";", "." or the end),
    and the groups that do not."""
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for span in _groups(text):
        if current and text[current[-1][1] : span[0]].strip():
            runs.append(current)
            current = []
        current.append(span)
    if current:
        runs.append(current)
    terminal = [run for run in runs if _CLAUSE_END.match(text, run[-1][1])]
    inner = [span for run in runs if run not in terminal for span in run]
    return terminal, inner


def _strip_spans(text: str, spans: list[tuple[int, int]]) -> str:
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(text[position:start].rstrip())
        position = end
    pieces.append(text[position:])
    # The list's closing ";" is punctuation of the report, not of the recommendation.
    return clean("".join(pieces)).rstrip(";").rstrip()
