"""One import run: each chunk of rows resolved, matched with what exists, then created or updated."""

from __future__ import annotations

import datetime
import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from core.bulk import array, copy_rows, next_ids, write_history
from recommendations import services
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
from recommendations.imports.result import Change, ImportResult
from recommendations.models import Position, Recommendation
from states.models import State

# The order in which changed fields are reported.
FIELD_ORDER = (PARAGRAPH, TEXT, KIND, ACTION_CATEGORY, RECOMMENDING_STATES, RESPONSE, THEMES, AFFECTED_GROUPS, SDGS)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})

# (field, through model, related column, _Prepared / _Existing attribute)
RELATIONS = (
    (RECOMMENDING_STATES, Recommendation.recommending_states.through, "state_id", "states"),
    (THEMES, Recommendation.themes.through, "theme_id", "themes"),
    (AFFECTED_GROUPS, Recommendation.affected_groups.through, "affectedgroup_id", "groups"),
    (SDGS, Recommendation.sdgs.through, "sdg_id", "sdgs"),
)


def import_key(text: str, iso3_codes: Iterable[str]) -> str:
    """Identity of a recommendation without a paragraph number within its review (64 hex characters)."""
    normalised = " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).split()).casefold()
    normalised = normalised.rstrip(" .;,")
    return hashlib.sha256(f"{normalised}|{','.join(sorted(iso3_codes))}".encode()).hexdigest()


@dataclass
class _Prepared:
    """A valid row with every name resolved to a primary key."""

    row: ParsedRow
    review_key: tuple[int, int]  # (State id, Session id)
    paragraph: str
    import_key: str
    text: str
    kind: str
    action_category: int | None
    states: frozenset[int]
    themes: frozenset[int]
    groups: frozenset[int]
    sdgs: frozenset[int]
    response: tuple[str, str] | None  # (response, source), None when the row gives no position
    review_id: int = 0


@dataclass
class _Existing:
    """A recommendation already in the database, as far as the comparison needs it."""

    id: int
    review_id: int
    paragraph: str
    text: str
    kind: str
    action_category: int | None
    states: set[int] = field(default_factory=set)
    themes: set[int] = field(default_factory=set)
    groups: set[int] = field(default_factory=set)
    sdgs: set[int] = field(default_factory=set)
    # The current position (latest of its history), as services.refresh_response keeps it.
    response: tuple[str, str] = ("", "")
    response_date: datetime.date | None = None


class Run:
    """One import: rows handled chunk by chunk against the lookups loaded once."""

    def __init__(
        self,
        parsed: ParsedFile,
        lookups: Lookups,
        defaults: tuple[str, str],
        result: ImportResult,
        user_id: int | None = None,
    ) -> None:
        self.parsed = parsed
        self.user_id = user_id
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
                if diff:
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

    def _repeat(self, item: _Prepared, first_row: str, diff: list[str]) -> None:
        """A row whose recommendation an earlier row of the file already imported."""
        if diff:
            self.result.skipped += 1
            message = f"Same recommendation as row {first_row} but a different {', '.join(diff)}: skipped."
            self.result.problems.append(Problem(item.row.row, self._identity_column(item), message))
        else:
            self.result.duplicates += 1
            message = f"Exact duplicate of row {first_row}: imported once."
            self.result.problems.append(Problem(item.row.row, self._identity_column(item), message, WARNING))

    def _identity_column(self, item: _Prepared) -> str:
        return self.parsed.columns.get(PARAGRAPH if item.paragraph else TEXT, TEXT)

    def _drop_repeats(self, prepared: list[_Prepared]) -> list[_Prepared]:
        """Rows of the chunk that are the first with their identity; report the others."""
        first: dict[tuple, _Prepared] = {}
        unique = []
        for item in prepared:
            identity = (item.review_id, item.paragraph or item.import_key)
            if identity in first:
                self._repeat(item, first[identity].row.row, _diff_rows(first[identity], item, self.provides))
            else:
                first[identity] = item
                unique.append(item)
        return unique

    # Rows ---------------------------------------------------------------------------------------------

    def _prepare(self, row: ParsedRow) -> _Prepared | None:
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
        return _Prepared(
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

    def _load_existing(self, items: list[_Prepared]) -> dict[tuple, _Existing]:
        """The chunk's recommendations already in the database, keyed by (review, paragraph or key)."""
        if not items:
            return {}
        review_ids = {item.review_id for item in items}
        paragraphs = {item.paragraph for item in items if item.paragraph}
        keys = {item.import_key for item in items}
        rows = Recommendation.objects.filter(review_id__in=array(review_ids, "bigint")).filter(
            Q(paragraph__in=array(paragraphs, "text")) | Q(import_key__in=array(keys, "text"))
        )
        existing: dict[tuple, _Existing] = {}
        by_id: dict[int, _Existing] = {}
        fields = ("id", "review_id", "paragraph", "import_key", "text", "kind", "action_category")
        for pk, review_id, paragraph, key, text, kind, action, *position in rows.values_list(
            *fields, "response", "response_source", "response_date"
        ):
            current = _Existing(pk, review_id, paragraph, text, kind, action, response=tuple(position[:2]))
            current.response_date = position[2]
            by_id[pk] = current
            if paragraph:
                existing[(review_id, "paragraph", paragraph)] = current
            if key:
                existing[(review_id, "key", key)] = current
        self._load_relations(by_id)
        return existing

    def _load_relations(self, by_id: dict[int, _Existing]) -> None:
        if not by_id:
            return
        ids = array(by_id, "bigint")
        for name, through, column, attribute in RELATIONS:
            if name in self.provides:
                pairs = through.objects.filter(recommendation_id__in=ids).values_list("recommendation_id", column)
                for pk, related in pairs:
                    getattr(by_id[pk], attribute).add(related)

    def _match(self, item: _Prepared, existing: dict[tuple, _Existing]) -> _Existing | None:
        if item.paragraph:
            current = existing.get((item.review_id, "paragraph", item.paragraph))
            if current is not None:
                return current
            # A paragraph number for a recommendation first imported without one (from UPR Info).
            current = existing.get((item.review_id, "key", item.import_key))
            return current if current is not None and not current.paragraph else None
        return existing.get((item.review_id, "key", item.import_key))

    def _diff(self, item: _Prepared, current: _Existing) -> list[str]:
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

    def _new_position(self, item: _Prepared, current: _Existing) -> bool:
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

    def _create(self, items: list[_Prepared]) -> None:
        if not items:
            return
        ids = next_ids(Recommendation, len(items))
        pairs = list(zip(ids, items, strict=True))
        columns = RECOMMENDATION_COLUMNS
        copy_rows(Recommendation, columns, ((pk, *_recommendation_values(item)) for pk, item in pairs))
        for pk, item in pairs:
            self.seen[pk] = item.row.row
        self._add_relations(pairs, set(FIELD_ORDER))
        positions = ((pk, *item.response) for pk, item in pairs if item.response)
        copy_rows(Position, ("recommendation_id", "response", "source"), positions)
        write_history(Recommendation, "id", ids, "+", self.user_id, HISTORY_REASON)
        write_history(Position, "recommendation_id", ids, "+", self.user_id, HISTORY_REASON)
        self.result.created += len(items)

    def _update(self, changed: list[tuple[_Prepared, _Existing, list[str]]]) -> None:
        if not changed:
            return
        now, provides = timezone.now(), self.provides
        Recommendation.objects.bulk_update(
            [
                Recommendation(
                    pk=current.id,
                    paragraph=item.paragraph or current.paragraph,
                    text=item.text if TEXT in provides else current.text,
                    kind=item.kind if KIND in provides else current.kind,
                    action_category=item.action_category if ACTION_CATEGORY in provides else current.action_category,
                    updated_at=now,  # bulk_update skips auto_now
                )
                for item, current, _ in changed
            ],
            ["paragraph", "text", "kind", "action_category", "updated_at"],
            batch_size=500,
        )
        self._replace_relations(changed)
        with_position = [(current.id, item) for item, current, diff in changed if RESPONSE in diff]
        positions = Position.objects.bulk_create(
            Position(recommendation_id=pk, response=item.response[0], source=item.response[1])
            for pk, item in with_position
        )
        write_history(Position, "id", [p.pk for p in positions], "+", self.user_id, HISTORY_REASON)
        services.refresh_response(pk for pk, _ in with_position)
        changed_ids = [current.id for _, current, _ in changed]
        write_history(Recommendation, "id", changed_ids, "~", self.user_id, HISTORY_REASON)
        for item, current, diff in changed:
            paragraph = item.paragraph or current.paragraph or f"#{current.id}"
            label = f"{self.lookups.review_labels[current.review_id]}, {paragraph}"
            self.result.changes.append(Change(item.row.row, label, tuple(f for f in FIELD_ORDER if f in diff)))
        self.result.updated += len(changed)

    def _replace_relations(self, changed: list[tuple[_Prepared, _Existing, list[str]]]) -> None:
        """Delete and re-add the related rows of the relations that changed: one DELETE and one INSERT each."""
        for name, through, _, _ in RELATIONS:
            ids = [current.id for _, current, diff in changed if name in diff]
            if not ids:
                continue
            stale = through.objects.filter(recommendation_id__in=array(ids, "bigint"))
            if name == THEMES:
                stale = stale.filter(theme_id__in=self.lookups.owned_themes)
            stale.delete()
            self._add_relations([(current.id, item) for item, current, diff in changed if name in diff], {name})

    def _add_relations(self, pairs: list[tuple[int, _Prepared]], names: set[str]) -> None:
        for name, through, column, attribute in RELATIONS:
            if name in names:
                rows = ((pk, related) for pk, item in pairs for related in getattr(item, attribute))
                copy_rows(through, ("recommendation_id", column), rows)


HISTORY_REASON = "import"

# The columns an import sets on a new recommendation (the others take the model's defaults).
RECOMMENDATION_COLUMNS = (
    "id",
    "review_id",
    "paragraph",
    "import_key",
    "text",
    "kind",
    "action_category",
    "response",
    "response_source",
    "state_under_review_id",
)


def _recommendation_values(item: _Prepared) -> tuple:
    return (
        item.review_id,
        item.paragraph,
        # A paragraph is the identity when there is one; a key as well would only risk a clash.
        "" if item.paragraph else item.import_key,
        item.text,
        item.kind,
        item.action_category,
        # The row's position is the new recommendation's only one, so it is its current response:
        # what services.refresh_response would write, without a second UPDATE of every new row.
        *(item.response or ("", "")),
        item.review_key[0],  # the review's State: state_under_review is a copy of it
    )


def _diff_rows(first: _Prepared, other: _Prepared, provides: frozenset[str]) -> list[str]:
    """The fields in which two rows of one file for the same recommendation disagree."""
    pairs = {
        TEXT: (first.text, other.text),
        KIND: (first.kind, other.kind),
        ACTION_CATEGORY: (first.action_category, other.action_category),
        RECOMMENDING_STATES: (first.states, other.states),
        RESPONSE: (first.response, other.response),
        THEMES: (first.themes, other.themes),
        AFFECTED_GROUPS: (first.groups, other.groups),
        SDGS: (first.sdgs, other.sdgs),
    }
    return [name for name, (a, b) in pairs.items() if name in provides and a != b]
