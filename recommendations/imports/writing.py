"""Writing a chunk of prepared rows: new recommendations by COPY, changed ones by UPDATE, their relations."""

from __future__ import annotations

from django.utils import timezone

from core.bulk import array, copy_rows, next_ids, write_history
from recommendations.imports.base import (
    ACTION_CATEGORY,
    KIND,
    LANGUAGE,
    RESPONSE,
    TEXT,
    THEMES,
)
from recommendations.imports.prepared import (
    FIELD_ORDER,
    HISTORY_REASON,
    MERGEABLE,
    RECOMMENDATION_COLUMNS,
    RELATIONS,
    Existing,
    Prepared,
    recommendation_values,
)
from recommendations.imports.result import Change
from recommendations.models import Position, Recommendation


class ChunkWriter:
    """The writing half of an import run (rows.Run, which sets `result`, `user_id`, `provides`, `lookups`)."""

    def _create(self, items: list[Prepared]) -> None:
        if not items:
            return
        ids = next_ids(Recommendation, len(items))
        pairs = list(zip(ids, items, strict=True))
        columns = RECOMMENDATION_COLUMNS
        copy_rows(Recommendation, columns, ((pk, *recommendation_values(item)) for pk, item in pairs))
        for pk, item in pairs:
            self.seen[pk] = item.row.row
        self._add_relations(pairs, set(FIELD_ORDER))
        positions = ((pk, *item.response) for pk, item in pairs if item.response)
        copy_rows(Position, ("recommendation_id", "response", "source"), positions)
        write_history(Recommendation, "id", ids, "+", self.user_id, HISTORY_REASON)
        write_history(Position, "recommendation_id", ids, "+", self.user_id, HISTORY_REASON)
        self.result.created += len(items)

    def _update(self, changed: list[tuple[Prepared, Existing, list[str]]]) -> None:
        if not changed:
            return
        now, provides = timezone.now(), self.provides
        Recommendation.objects.bulk_update(
            [
                Recommendation(
                    pk=current.id,
                    paragraph=item.paragraph or current.paragraph,
                    text=item.text if TEXT in provides else current.text,
                    language=item.language if LANGUAGE in provides else current.language,
                    kind=item.kind if KIND in provides else current.kind,
                    action_category=item.action_category if ACTION_CATEGORY in provides else current.action_category,
                    updated_at=now,  # bulk_update skips auto_now
                )
                for item, current, _ in changed
            ],
            ["paragraph", "text", "language", "kind", "action_category", "updated_at"],
            batch_size=500,
        )
        self._replace_relations(changed)
        with_position = [(current.id, item) for item, current, diff in changed if RESPONSE in diff]
        positions = Position.objects.bulk_create(
            Position(recommendation_id=pk, response=item.response[0], source=item.response[1])
            for pk, item in with_position
        )
        write_history(Position, "id", [p.pk for p in positions], "+", self.user_id, HISTORY_REASON)
        changed_ids = [current.id for _, current, _ in changed]
        write_history(Recommendation, "id", changed_ids, "~", self.user_id, HISTORY_REASON)
        for item, current, diff in changed:
            paragraph = item.paragraph or current.paragraph or f"#{current.id}"
            label = f"{self.lookups.review_labels[current.review_id]}, {paragraph}"
            self.result.changes.append(Change(item.row.row, label, tuple(f for f in FIELD_ORDER if f in diff)))
        self.result.updated += len(changed)

    def _add_merged(self, merged: list[tuple[Prepared, Existing]]) -> None:
        """Add the themes, groups and SDGs of later rows to what an earlier chunk's row wrote (a union)."""
        touched = set()
        for name, through, column, attribute in RELATIONS:
            if name not in MERGEABLE:
                continue
            rows = {
                (current.id, related)
                for item, current in merged
                for related in getattr(item, attribute) - getattr(current, attribute)
            }
            copy_rows(through, ("recommendation_id", column), sorted(rows))
            touched.update(pk for pk, _ in rows)
        write_history(Recommendation, "id", sorted(touched), "~", self.user_id, HISTORY_REASON)

    def _replace_relations(self, changed: list[tuple[Prepared, Existing, list[str]]]) -> None:
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

    def _add_relations(self, pairs: list[tuple[int, Prepared]], names: set[str]) -> None:
        for name, through, column, attribute in RELATIONS:
            if name in names:
                rows = ((pk, related) for pk, item in pairs for related in getattr(item, attribute))
                copy_rows(through, ("recommendation_id", column), rows)
