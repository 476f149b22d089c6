"""One import run: each chunk of rows resolved, matched with what exists, then created or updated."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core.bulk import array
from core.localized import and_list
from recommendations.imports.base import (
    ACTION_CATEGORY,
    AFFECTED_GROUPS,
    KIND,
    LANGUAGE,
    PARAGRAPH,
    RECOMMENDING_STATES,
    RESPONSE,
    SDGS,
    TEXT,
    THEMES,
    WARNING,
    ParsedFile,
    ParsedRow,
    Problem,
)
from recommendations.imports.lookups import Lookups
from recommendations.imports.prepared import (
    FIELD_ORDER,
    MERGEABLE,
    RELATIONS,
    Existing,
    Prepared,
    diff_rows,
    merge_rows,
)
from recommendations.imports.resolving import RowResolver
from recommendations.imports.result import ImportResult
from recommendations.imports.writing import ChunkWriter
from recommendations.models import Recommendation

# What two rows for one recommendation may differ in, as a report names them ("with other themes and SDGs").
MERGEABLE_NAMES = {
    THEMES: pgettext_lazy("import: two rows differ in their …", "themes"),
    AFFECTED_GROUPS: pgettext_lazy("import: two rows differ in their …", "affected groups"),
    SDGS: pgettext_lazy("import: two rows differ in their …", "SDGs"),
}


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
        self.resolver = RowResolver(parsed, lookups, defaults)
        self.result = result
        # Every recommendation this run created or matched, with the row that did: a later row
        # with the same identity is a repeat (a duplicate, or a conflict when it differs).
        self.seen: dict[int, str] = {}
        # Existing recommendations whose row would only take themes, groups or SDGs away: a later chunk
        # may repeat them with those (merged into the row), so they are compared at the end (finish()).
        self.held: dict[int, tuple[Prepared, Existing]] = {}

    def import_chunk(self, rows: list[ParsedRow]) -> None:
        prepared = []
        for row in rows:
            self.result.rows += 1
            item = self.resolver.prepare(row)
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
        new, changed, merged = [], [], []
        for item in unique:
            current = self._match(item, existing)
            if current is None:
                new.append(item)
            elif current.id in self.held:
                first = self.held[current.id][0]
                if self._repeat(item, first.row.row, diff_rows(first, item, self.provides)):
                    merge_rows(first, item)
            elif current.id in self.seen:
                # An earlier chunk's row imported it: a later row's themes are added to what it wrote.
                if self._repeat(item, self.seen[current.id], self._diff(item, current)):
                    merged.append((item, current))
            else:
                self.seen[current.id] = item.row.row
                diff = self._diff(item, current)
                if self._refused(item, diff):
                    self.result.skipped += 1
                elif diff and self._only_takes_away(item, current, diff):
                    self.held[current.id] = (item, current)
                elif diff:
                    changed.append((item, current, diff))
                else:
                    self.result.unchanged += 1
        self._create(new)
        self._update(changed)
        self._add_merged(merged)

    def finish(self) -> None:
        """Compare the held rows, now with the themes of their repeats in later chunks, and update them."""
        changed = []
        for item, current in self.held.values():
            diff = self._classification_diff(item, current)
            if diff:
                changed.append((item, current, diff))
            else:
                self.result.unchanged += 1
        self.held = {}
        self._update(changed)

    def _only_takes_away(self, item: Prepared, current: Existing, diff: list[str]) -> bool:
        return set(diff) <= MERGEABLE and all(
            getattr(item, attribute) <= getattr(current, attribute) for _, _, _, attribute in RELATIONS
        )

    # Problems and repeats -----------------------------------------------------------------------------

    def _in_source_terms(self, problem: Problem) -> Problem:
        """Name the column as the file does ("From", "Recommendation") rather than by the row's field."""
        column = self.parsed.columns.get(problem.column, problem.column)
        return Problem(problem.row, column, problem.message, problem.level)

    def _repeat(self, item: Prepared, first_row: str, diff: list[str]) -> bool:
        """A row whose recommendation an earlier row of the file already imported.

        True when the row differs only in themes, affected groups or SDGs: the
        recommendation then takes those of both rows (the caller merges them).
        """
        if diff and set(diff) <= MERGEABLE:
            self.result.merged += 1
            names = and_list([str(MERGEABLE_NAMES[name]) for name in diff])
            message = _(
                "Same recommendation as row %(first)s but with other %(names)s: imported once, "
                "with the %(names)s of rows %(first)s and %(row)s together."
            ) % {"first": first_row, "names": names, "row": item.row.row}
            self.result.problems.append(Problem(item.row.row, self._column(diff[0]), message, WARNING))
            return True
        if diff:
            self.result.skipped += 1
            # The fields are named as the table format's columns are ("text, recommending_states").
            message = _("Same recommendation as row %(first)s but a different %(fields)s: skipped.") % {
                "first": first_row,
                "fields": ", ".join(diff),
            }
            self.result.problems.append(Problem(item.row.row, self._identity_column(item), message))
        else:
            self.result.duplicates += 1
            message = _("Exact duplicate of row %(first)s: imported once.") % {"first": first_row}
            self.result.problems.append(Problem(item.row.row, self._identity_column(item), message, WARNING))
        return False

    def _refused(self, item: Prepared, diff: list[str]) -> bool:
        """A row that would change official data the user may not change is an error (nothing of it is written)."""
        refused = [name for name in FIELD_ORDER if name in diff and name in self.protected]
        if refused:
            message = _(
                "This row would change the official %(fields)s of an existing recommendation: only staff "
                "administrators change official data. Propose a correction from the recommendation's admin page."
            ) % {"fields": ", ".join(refused)}
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
                if self._repeat(item, first[identity].row.row, diff_rows(first[identity], item, self.provides)):
                    merge_rows(first[identity], item)
            else:
                first[identity] = item
                unique.append(item)
        return unique

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
        fields = ("id", "review_id", "paragraph", "import_key", "text", "language", "kind", "action_category")
        for pk, review_id, paragraph, key, text, language, kind, action, *position in rows.values_list(
            *fields, "response", "response_source", "response_date"
        ):
            current = Existing(pk, review_id, paragraph, text, language, kind, action, response=tuple(position[:2]))
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
        if LANGUAGE in provides and item.language != current.language:
            changed.append(LANGUAGE)
        if KIND in provides and item.kind != current.kind:
            changed.append(KIND)
        if ACTION_CATEGORY in provides and item.action_category != current.action_category:
            changed.append(ACTION_CATEGORY)
        if RECOMMENDING_STATES in provides and item.states != current.states:
            changed.append(RECOMMENDING_STATES)
        if RESPONSE in provides and self._new_position(item, current):
            changed.append(RESPONSE)
        return changed + self._classification_diff(item, current)

    def _classification_diff(self, item: Prepared, current: Existing) -> list[str]:
        """The themes, affected groups and SDGs the row would change (what two rows may merge)."""
        changed = []
        if THEMES in self.provides and item.themes != current.themes & self.lookups.owned_themes:
            changed.append(THEMES)
        if AFFECTED_GROUPS in self.provides and item.groups != current.groups:
            changed.append(AFFECTED_GROUPS)
        if SDGS in self.provides and item.sdgs != current.sdgs:
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
            message = _(
                "The file's position (%(response)s) differs from the current one, %(current)s "
                "since %(date)s: that later, dated position is kept."
            ) % {
                "response": item.response[0],
                "current": current.response[0],
                "date": current.response_date.isoformat(),
            }
            self.result.problems.append(Problem(item.row.row, self._column(RESPONSE), message, WARNING))
        return False

    def _column(self, field_name: str) -> str:
        return self.parsed.columns.get(field_name, field_name)

    # Writes ----------------------------------------------------------------------------------------
