"""A row's names resolved against the reference data (States, session, themes, groups, SDGs), with each
problem on the row and column it comes from; a valid row becomes a Prepared item."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recommendations.imports.base import (
    AFFECTED_GROUPS,
    ERROR,
    MAX_GROUP_NAME,
    MAX_PARAGRAPH,
    MAX_RESPONSE_SOURCE,
    MAX_TEXT,
    MAX_THEME_CODE,
    MAX_THEME_NAME,
    PARAGRAPH,
    RECOMMENDING_STATES,
    RESPONSE,
    SDGS,
    SESSION,
    STATE_UNDER_REVIEW,
    TEXT,
    THEMES,
    ParsedFile,
    ParsedRow,
    Problem,
    ThemeRef,
)
from recommendations.imports.lookups import Lookups
from recommendations.imports.prepared import Prepared, import_key
from states.models import State


class RowResolver:
    """Resolves the rows of one file against the lookups loaded once for the import."""

    def __init__(self, parsed: ParsedFile, lookups: Lookups, defaults: tuple[str, str]) -> None:
        self.parsed = parsed
        self.lookups = lookups
        self.default_state, self.default_session = defaults

    def _problem(self, row: ParsedRow, field_name: str, message: str) -> None:
        row.problems.append(Problem(row.row, field_name, message, ERROR))

    def prepare(self, row: ParsedRow) -> Prepared | None:
        """Resolve every name of a row; None (with problems on the row) when it is invalid."""
        if any(problem.column == "" for problem in row.problems):
            return None  # the row as a whole is unreadable: its cells would only add noise
        review_state = self._state_under_review(row)
        session_id = self._session(row)
        states = self._recommending_states(row)
        themes = self._themes(row)
        groups = self._groups(row)
        sdgs = self._sdgs(row)
        self._check_lengths(row)
        if row.has_errors or review_state is None or session_id is None:
            return None
        return Prepared(
            row=row,
            review_key=(review_state.pk, session_id),
            paragraph=row.paragraph,
            import_key=import_key(row.text, (state.iso3 for state in states)),
            text=row.text,
            language=row.language,
            kind=row.kind,
            action_category=row.action_category,
            states=frozenset(state.pk for state in states),
            # Only now, with the row known to be valid, are missing themes and groups created.
            themes=frozenset(self.lookups.create_themes(themes)),
            groups=frozenset(self.lookups.create_groups(groups)),
            sdgs=frozenset(sdgs),
            response=(row.response, row.response_source) if row.response else None,
        )

    def _state_under_review(self, row: ParsedRow) -> State | None:
        name = row.state_under_review or self.default_state
        if not name:
            self._problem(row, STATE_UNDER_REVIEW, _("No State under review."))
            return None
        state = self.lookups.state(name)
        if state is None:
            self._problem(row, STATE_UNDER_REVIEW, self.lookups.unknown_state(name))
        return state

    def _session(self, row: ParsedRow) -> int | None:
        sessions = self.lookups.sessions
        wording = row.session or self.default_session
        number = int(wording) if wording.isdigit() else None
        if number not in sessions:
            message = _("Unknown session %(session)s (sessions are numbered 1 to %(last)s).") % {
                "session": repr(wording),
                "last": max(sessions),
            }
            self._problem(row, SESSION, message)
            return None
        return sessions[number]

    def _recommending_states(self, row: ParsedRow) -> list[State]:
        states = []
        for name in row.recommending_states:
            state = self.lookups.state(name)
            if state is None:
                self._problem(row, RECOMMENDING_STATES, self.lookups.unknown_state(name))
            elif state not in states:
                states.append(state)
        return states

    def _themes(self, row: ParsedRow) -> list[int | ThemeRef]:
        """Theme ids; ThemeRefs still to create when the format may add themes."""
        found: list[int | ThemeRef] = []
        for ref in row.themes:
            match = self.lookups.theme(ref)
            if isinstance(match, int):
                found.append(match)
            elif self.lookups.may_create_theme(ref):
                found.append(ref)
            else:
                self._problem(row, THEMES, match)
        return found

    def _groups(self, row: ParsedRow) -> list[int | str]:
        found: list[int | str] = []
        for name in row.affected_groups:
            pk = self.lookups.group(name)
            if pk:
                found.append(pk)
            elif self.parsed.creates_taxonomy:
                found.append(name)
            else:
                self._problem(row, AFFECTED_GROUPS, _("Unknown affected group %(name)s.") % {"name": repr(name)})
        return found

    def _sdgs(self, row: ParsedRow) -> list[int]:
        sdgs = self.lookups.sdgs
        missing = [number for number in row.sdgs if number not in sdgs]
        if missing:
            self._problem(row, SDGS, _("SDG %(number)s is not in the reference data.") % {"number": missing[0]})
        return [sdgs[number] for number in row.sdgs if number in sdgs]

    def _check_lengths(self, row: ParsedRow) -> None:
        if not row.text.strip():
            self._problem(row, TEXT, _("No recommendation text."))
        elif len(row.text) > MAX_TEXT:
            message = ngettext(
                "Recommendation text longer than %(max)s character.",
                "Recommendation text longer than %(max)s characters.",
                MAX_TEXT,
            )
            self._problem(row, TEXT, message % {"max": number_format(MAX_TEXT, force_grouping=True)})
        if len(row.paragraph) > MAX_PARAGRAPH:
            message = ngettext(
                "Paragraph number longer than %(max)d character.",
                "Paragraph number longer than %(max)d characters.",
                MAX_PARAGRAPH,
            )
            self._problem(row, PARAGRAPH, message % {"max": MAX_PARAGRAPH})
        if len(row.response_source) > MAX_RESPONSE_SOURCE:
            message = ngettext(
                "Source of position longer than %(max)d character.",
                "Source of position longer than %(max)d characters.",
                MAX_RESPONSE_SOURCE,
            )
            self._problem(row, RESPONSE, message % {"max": MAX_RESPONSE_SOURCE})
        for ref in row.themes:
            if len(ref.name) > MAX_THEME_NAME or len(ref.code) > MAX_THEME_CODE:
                self._problem(row, THEMES, _("Theme %(name)s… is too long.") % {"name": repr(ref.name[:40])})
        for name in row.affected_groups:
            if len(name) > MAX_GROUP_NAME:
                self._problem(
                    row, AFFECTED_GROUPS, _("Affected group %(name)s… is too long.") % {"name": repr(name[:40])}
                )
