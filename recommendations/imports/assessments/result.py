"""What an import of an assessment sheet did, or would do in a dry run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from recommendations.imports.base import ERROR, WARNING, Problem
from recommendations.imports.result import Change

FORMAT = "assessment sheet"


@dataclass
class SheetResult:
    dry_run: bool
    format: str = FORMAT
    rows: int = 0
    created: int = 0
    updated: int = 0
    proposed: int = 0  # changes of published assessments, saved as revisions for a reviewer
    unchanged: int = 0
    blank: int = 0  # rows offered to fill in and left blank
    skipped: int = 0  # invalid rows, left out
    conflicts: int = 0  # rows based on an older version than the stored one (among the skipped)
    evidence_created: int = 0
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
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "proposed": self.proposed,
            "unchanged": self.unchanged,
            "blank": self.blank,
            "skipped": self.skipped,
            "conflicts": self.conflicts,
            "evidence_created": self.evidence_created,
        }

    def summary(self) -> str:
        counts = self.counts()
        rows = counts.pop("rows")
        return f"{rows} rows: " + ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in counts.items())

    def sort(self) -> None:
        self.problems.sort(key=lambda problem: [int(n) for n in re.findall(r"\d+", problem.row)])
