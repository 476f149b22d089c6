"""What an import did, or would do in a dry run."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from typing import TextIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy, npgettext_lazy

from recommendations.imports.base import ERROR, WARNING, Problem


@dataclass(frozen=True)
class Change:
    """An existing recommendation a row updated, and which of its fields."""

    row: str
    recommendation: str
    fields: tuple[str, ...]


@dataclass(kw_only=True)
class Report:
    """What every import reports: whether it wrote, its problems by row, and the existing rows it changed."""

    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # invalid rows, left out
    written: bool = False
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == WARNING]

    def counts(self) -> dict[str, int]:
        """The rows and what was done with them, by name ("rows", "created" …): what the summary counts."""
        raise NotImplementedError

    def sort_problems(self) -> None:
        """Problems in file order ("12" before "100", "3:B" by its row)."""
        self.problems.sort(key=lambda problem: [int(n) for n in re.findall(r"\d+", problem.row)])

    def outcome(self) -> str:
        """What was done: "Imported." or why nothing was."""
        if self.written:
            return _("Imported.")
        if self.dry_run:
            return _("Dry run: nothing was imported.")
        return ngettext(
            "%(count)d invalid row: nothing was imported.",
            "%(count)d invalid rows: nothing was imported.",
            self.skipped,
        ) % {"count": self.skipped}


@dataclass(kw_only=True)
class ImportResult(Report):
    format: str
    duplicates: int = 0  # rows that repeat an earlier row exactly, imported once
    merged: int = 0  # rows that repeat an earlier row with other themes, groups or SDGs: imported once, with both
    created_reviews: list[str] = field(default_factory=list)
    created_themes: list[str] = field(default_factory=list)
    created_groups: list[str] = field(default_factory=list)
    # New suggestions for editors after the import (None: not computed).
    suggested_repeats: int | None = None
    suggested_matches: int | None = None

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "merged": self.merged,
        }

    def summary(self) -> str:
        """What the import did ("2 rows: 2 created, …") or, when it wrote nothing, what it would have done."""
        if self.written:
            return summarise(self, [(part, name) for name, part in DID.items()])
        return summarise(
            self,
            [
                (WOULD_CREATE, "created"),
                (WOULD_UPDATE, "updated"),
                (WOULD_LEAVE, "unchanged"),
                (WOULD_SKIP, "skipped"),
                (WOULD_IMPORT_ONCE, "duplicates"),
                (WOULD_MERGE, "merged"),
            ],
            would=True,
        )


def summarise(result: Report, parts: list[tuple[str, str]], *, would: bool = False) -> str:
    """ "12 rows: 3 created, …" or "12 rows: would create 3, …" from (lazy plural of "count", the name of the
    count in result.counts()) pairs; a part may name the other counts too ("%(blank)d")."""
    counts = result.counts()
    done = ", ".join(part % {**counts, "count": counts[name]} for part, name in parts)
    return (ROWS_WOULD if would else ROWS_DID) % {"count": counts["rows"], "parts": done}


# The summary of an import that wrote nothing: "12 rows: would create 3, update 2, …".
ROWS_WOULD = ngettext_lazy("%(count)d row: would %(parts)s", "%(count)d rows: would %(parts)s", "count")
WOULD_CREATE = npgettext_lazy("import dry run: 12 rows: would …", "create %(count)d", "create %(count)d", "count")
WOULD_UPDATE = npgettext_lazy("import dry run: 12 rows: would …", "update %(count)d", "update %(count)d", "count")
WOULD_LEAVE = npgettext_lazy(
    "import dry run: 12 rows: would …", "leave %(count)d unchanged", "leave %(count)d unchanged", "count"
)
WOULD_SKIP = npgettext_lazy(
    "import dry run: 12 rows: would …", "skip %(count)d invalid row", "skip %(count)d invalid rows", "count"
)
WOULD_IMPORT_ONCE = npgettext_lazy(
    "import dry run: 12 rows: would …",
    "import %(count)d exact duplicate once",
    "import %(count)d exact duplicates once",
    "count",
)
WOULD_MERGE = npgettext_lazy(
    "import dry run: 12 rows: would …",
    "merge %(count)d repeat with other themes into an earlier row",
    "merge %(count)d repeats with other themes into an earlier row",
    "count",
)
# The summary of an import that wrote: "12 rows: 3 created, 2 updated, …", by the result's attribute counted.
ROWS_DID = ngettext_lazy("%(count)d row: %(parts)s", "%(count)d rows: %(parts)s", "count")
DID = {
    "created": npgettext_lazy("import summary: 12 rows: …", "%(count)d created", "%(count)d created", "count"),
    "updated": npgettext_lazy("import summary: 12 rows: …", "%(count)d updated", "%(count)d updated", "count"),
    "unchanged": npgettext_lazy("import summary: 12 rows: …", "%(count)d unchanged", "%(count)d unchanged", "count"),
    "skipped": npgettext_lazy("import summary: 12 rows: …", "%(count)d skipped", "%(count)d skipped", "count"),
    "duplicates": npgettext_lazy("import summary: 12 rows: …", "%(count)d duplicate", "%(count)d duplicates", "count"),
    "merged": npgettext_lazy("import summary: 12 rows: …", "%(count)d merged", "%(count)d merged", "count"),
}


def invalid_rows(count: int) -> str:
    """ "1 invalid row: nothing was imported (fix them, or use --skip-invalid).": what a command says."""
    return ngettext(
        "%(count)d invalid row: nothing was imported (fix them, or use --skip-invalid).",
        "%(count)d invalid rows: nothing was imported (fix them, or use --skip-invalid).",
        count,
    ) % {"count": count}


def write_report(result: Report, handle: TextIO) -> None:
    """Every problem as CSV: row, column, level, message."""
    writer = csv.writer(handle)
    writer.writerow(["row", "column", "level", "message"])
    writer.writerows([problem.row, problem.column, problem.level, problem.message] for problem in result.problems)
