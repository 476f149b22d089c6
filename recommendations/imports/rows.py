"""One import run: each chunk of rows resolved, matched with what exists, then created or updated."""

from __future__ import annotations

from django.db.models import Q

from core.bulk import array
from recommendations.imports.base import (
    ACTION_CATEGORY,
    AFFECTED_GROUPS,
    ERROR,
    KIND,
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
    WARNING,
    ParsedFile,
    ParsedRow,
    Problem,
    ThemeRef,
)
from recommendations.imports.lookups import Lookups
from recommendations.imports.prepared import (
    FIELD_ORDER,
    RELATIONS,
    Existing,
    Prepared,
    diff_rows,
    import_key,
)
from recommendations.imports.result import ImportResult
from recommendations.imports.writing import ChunkWriter
from recommendations.models import Recommendation
from states.models import State


class Run(ChunkWriter):
    """One import: rows handled chunk by chunk against the lookups loaded once."""

    def __init__(
        self,
        parsed: ParsedFile,
        lookups: Lookups,
        defaults: tuple[str, str],
        result: ImportResult,
        user_id: int | None = None,
        protected: frozenset[str] = frozenset(),
    ) -> None:
        self.parsed = parsed
        self.user_id = user_id
        # Fields of existing recommendations the importing user may not change (permissions.py: official data).
        self.protected = protected
        self.provides = parsed.provides
        self.lookups = lookups
        self.default_state, self.default_session = defaults
        self.result = result
        # Every recommendation this run created or matched, with the row that did: a later row
        # with the same identity is a repeat (a duplicate, or a conflict when it differs).
        self.seen: dict[int, str] = {}

    def import_chunk(self, rows: list[ParsedRow]) -> None:
        prepared = []
        for row in rows:
            self.result.rows += 1
            item = self._prepare(row)
            self.result.problems.extend(self._in_source_terms(problem) for problem in row.problems)
            if item is None:
                self.result.skipped += 1
            else:
                prepared.append(item)
        self.lookups.ensure_reviews({item.review_key for item in prepared})
        for item in prepared:
            item.review_id = self.lookups.reviews[item.review_key]
        unique = self._drop_repeats(prepared)
        existing = self._load_existing(unique)
        new, changed = [], []
        for item in unique:
            current = self._match(item, existing)
            if current is None:
                new.append(item)
            elif current.id in self.seen:
                self._repeat(item, self.seen[current.id], self._diff(item, current))
            else:
                self.seen[current.id] = item.row.row
                diff = self._diff(item, current)
                if self._refused(item, diff):
                    self.result.skipped += 1
                elif diff:
                    changed.append((item, current, diff))
                else:
                    self.result.unchanged += 1
        self._create(new)
        self._update(changed)

    # Problems and repeats -----------------------------------------------------------------------------

    def _problem(self, row: ParsedRow, field_name: str, message: str) -> None:
        row.problems.append(Problem(row.row, field_name, message, ERROR))

    def _in_source_terms(self, problem: Problem) -> Problem:
        """Name the column as the file does ("From", "Recommendation") rather than by the row's field."""
        column = self.parsed.columns.get(problem.column, problem.column)
        return Problem(problem.row, column, problem.message, problem.level)

    def _repeat(self, item: Prepared, first_row: str, diff: list[str]) -> None:
        """A row whose recommendation an earlier row of the file already imported."""
        if diff:
            self.result.skipped += 1
            message = f"Same recommendation as row {first_row} but a different {', '.join(diff)}: skipped."
            self.result.problems.append(Problem(item.row.row, self._identity_column(item), message))
        else:
            self.result.duplicates += 1
            message = f"Exact duplicate of row {first_row}: imported once."
            self.result.problems.append(Problem(item.row.row, self._identity_column(item), message, WARNING))

    def _refused(self, item: Prepared, diff: list[str]) -> bool:
        """A row that would change official data the user may not change is an error (nothing of it is written)."""
        refused = [name for name in FIELD_ORDER if name in diff and name in self.protected]
        if refused:
            message = (
                f"This row would change the official {', '.join(refused)} of an existing recommendation: only staff "
                "administrators change official data. Propose a correction from the recommendation's admin page."
            )
            self.result.problems.append(Problem(item.row.row, self._column(refused[0]), message))
        return bool(refused)

    def _identity_column(self, item: Prepared) -> str:
        return self.parsed.columns.get(PARAGRAPH if item.paragraph else TEXT, TEXT)

    def _drop_repeats(self, prepared: list[Prepared]) -> list[Prepared]:
        """Rows of the chunk that are the first with their identity; report the others."""
        first: dict[tuple, Prepared] = {}
        unique = []
        for item in prepared:
            identity = (item.review_id, item.paragraph or item.import_key)
            if identity in first:
                self._repeat(item, first[identity].row.row, diff_rows(first[identity], item, self.provides))
            else:
                first[identity] = item
                unique.append(item)
        return unique

    # Rows ---------------------------------------------------------------------------------------------

    def _prepare(self, row: ParsedRow) -> Prepared | None:
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
            self._problem(row, STATE_UNDER_REVIEW, "No State under review.")
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
            self._problem(row, SESSION, f"Unknown session {wording!r} (sessions are numbered 1 to {max(sessions)}).")
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
                self._problem(row, AFFECTED_GROUPS, f"Unknown affected group {name!r}.")
        return found

    def _sdgs(self, row: ParsedRow) -> list[int]:
        sdgs = self.lookups.sdgs
        missing = [number for number in row.sdgs if number not in sdgs]
        if missing:
            self._problem(row, SDGS, f"SDG {missing[0]} is not in the reference data.")
        return [sdgs[number] for number in row.sdgs if number in sdgs]

    def _check_lengths(self, row: ParsedRow) -> None:
        if not row.text.strip():
            self._problem(row, TEXT, "No recommendation text.")
        elif len(row.text) > MAX_TEXT:
            self._problem(row, TEXT, f"Recommendation text longer than {MAX_TEXT:,} characters.")
        if len(row.paragraph) > MAX_PARAGRAPH:
            self._problem(row, PARAGRAPH, f"Paragraph number longer than {MAX_PARAGRAPH} characters.")
        if len(row.response_source) > MAX_RESPONSE_SOURCE:
            self._problem(row, RESPONSE, f"Source of position longer than {MAX_RESPONSE_SOURCE} characters.")
        for ref in row.themes:
            if len(ref.name) > MAX_THEME_NAME or len(ref.code) > MAX_THEME_CODE:
                self._problem(row, THEMES, f"Theme {ref.name[:40]!r}… is too long.")
        for name in row.affected_groups:
            if len(name) > MAX_GROUP_NAME:
                self._problem(row, AFFECTED_GROUPS, f"Affected group {name[:40]!r}… is too long.")

    # Existing recommendations ------------------------------------------------------------------------

    def _load_existing(self, items: list[Prepared]) -> dict[tuple, Existing]:
        """The chunk's recommendations already in the database, keyed by (review, paragraph or key)."""
        if not items:
            return {}
        review_ids = {item.review_id for item in items}
        paragraphs = {item.paragraph for item in items if item.paragraph}
        keys = {item.import_key for item in items}
        rows = Recommendation.objects.filter(review_id__in=array(review_ids, "bigint")).filter(
            Q(paragraph__in=array(paragraphs, "text")) | Q(import_key__in=array(keys, "text"))
        )
        existing: dict[tuple, Existing] = {}
        by_id: dict[int, Existing] = {}
        fields = ("id", "review_id", "paragraph", "import_key", "text", "kind", "action_category")
        for pk, review_id, paragraph, key, text, kind, action, *position in rows.values_list(
            *fields, "response", "response_source", "response_date"
        ):
            current = Existing(pk, review_id, paragraph, text, kind, action, response=tuple(position[:2]))
            current.response_date = position[2]
            by_id[pk] = current
            if paragraph:
                existing[(review_id, "paragraph", paragraph)] = current
            if key:
                existing[(review_id, "key", key)] = current
        self._load_relations(by_id)
        return existing

    def _load_relations(self, by_id: dict[int, Existing]) -> None:
        if not by_id:
            return
        ids = array(by_id, "bigint")
        for name, through, column, attribute in RELATIONS:
            if name in self.provides:
                pairs = through.objects.filter(recommendation_id__in=ids).values_list("recommendation_id", column)
                for pk, related in pairs:
                    getattr(by_id[pk], attribute).add(related)

    def _match(self, item: Prepared, existing: dict[tuple, Existing]) -> Existing | None:
        if item.paragraph:
            current = existing.get((item.review_id, "paragraph", item.paragraph))
            if current is not None:
                return current
            # A paragraph number for a recommendation first imported without one (from UPR Info).
            current = existing.get((item.review_id, "key", item.import_key))
            return current if current is not None and not current.paragraph else None
        return existing.get((item.review_id, "key", item.import_key))

    def _diff(self, item: Prepared, current: Existing) -> list[str]:
        """The fields the row would change on an existing recommendation."""
        provides = self.provides
        changed = []
        if item.paragraph and item.paragraph != current.paragraph:
            changed.append(PARAGRAPH)
        if TEXT in provides and item.text != current.text:
            changed.append(TEXT)
        if KIND in provides and item.kind != current.kind:
            changed.append(KIND)
        if ACTION_CATEGORY in provides and item.action_category != current.action_category:
            changed.append(ACTION_CATEGORY)
        if RECOMMENDING_STATES in provides and item.states != current.states:
            changed.append(RECOMMENDING_STATES)
        if RESPONSE in provides and self._new_position(item, current):
            changed.append(RESPONSE)
        if THEMES in provides and item.themes != current.themes & self.lookups.owned_themes:
            changed.append(THEMES)
        if AFFECTED_GROUPS in provides and item.groups != current.groups:
            changed.append(AFFECTED_GROUPS)
        if SDGS in provides and item.sdgs != current.sdgs:
            changed.append(SDGS)
        return changed

    def _new_position(self, item: Prepared, current: Existing) -> bool:
        """Does the row's position (response, source) become the current one?

        Not when it already is. Not either when the current position is dated
        (an editor recorded, say, a mid-term change with its date): imported
        positions are undated and a dated one stays current, so the row's is
        not added again on every import; the difference is reported instead.
        """
        if not item.response or item.response == current.response:
            return False
        if current.response_date is None:
            return True
        if current.id not in self.seen or self.seen[current.id] == item.row.row:
            message = (
                f"The file's position ({item.response[0]}) differs from the current one, {current.response[0]} "
                f"since {current.response_date.isoformat()}: that later, dated position is kept."
            )
            self.result.problems.append(Problem(item.row.row, self._column(RESPONSE), message, WARNING))
        return False

    def _column(self, field_name: str) -> str:
        return self.parsed.columns.get(field_name, field_name)

    # Writes ----------------------------------------------------------------------------------------
