"""What an import did, or would do in a dry run."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from typing import TextIO

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

    def sort_problems(self) -> None:
        """Problems in file order ("12" before "100", "3:B" by its row)."""
        self.problems.sort(key=lambda problem: [int(n) for n in re.findall(r"\d+", problem.row)])

    def outcome(self) -> str:
        """What was done: "Imported." or why nothing was."""
        if self.written:
            return "Imported."
        if self.dry_run:
            return "Dry run: nothing was imported."
        return f"{rows_of(self.skipped, 'invalid row').capitalize()}: nothing was imported."


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
        if not self.written:
            return f"{self.rows} rows: would " + ", ".join(
                (
                    f"create {self.created}",
                    f"update {self.updated}",
                    f"leave {self.unchanged} unchanged",
                    f"skip {rows_of(self.skipped, 'invalid row')}",
                    f"import {rows_of(self.duplicates, 'exact duplicate')} once",
                    f"merge {rows_of(self.merged, 'repeat')} with other themes into an earlier row",
                )
            )
        counts = self.counts()
        rows = counts.pop("rows")
        return f"{rows} rows: " + ", ".join(f"{value} {name}" for name, value in counts.items())


def rows_of(count: int, noun: str) -> str:
    """A counted noun: 1 invalid row, 2 invalid rows."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def write_report(result: Report, handle: TextIO) -> None:
    """Every problem as CSV: row, column, level, message."""
    writer = csv.writer(handle)
    writer.writerow(["row", "column", "level", "message"])
    writer.writerows([problem.row, problem.column, problem.level, problem.message] for problem in result.problems)
