"""What an import of an assessment sheet did, or would do in a dry run."""

from __future__ import annotations

from dataclasses import dataclass

from recommendations.imports.result import Report, rows_of

FORMAT = "assessment sheet"


@dataclass(kw_only=True)
class SheetResult(Report):
    format: str = FORMAT
    proposed: int = 0  # changes of published assessments, saved as revisions for a reviewer
    blank: int = 0  # rows offered to fill in and left blank
    conflicts: int = 0  # rows based on an older version than the stored one (among the skipped)
    evidence_created: int = 0

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
        """What the import did ("3 rows: 1 created, …") or, when it wrote nothing, what it would have done."""
        if not self.written:
            return f"{self.rows} rows: would " + ", ".join(
                (
                    f"create {self.created}",
                    f"update {self.updated}",
                    f"propose {self.proposed} revisions of published assessments",
                    f"leave {self.unchanged} unchanged and {self.blank} blank",
                    f"skip {rows_of(self.skipped, 'invalid row')} ({self.conflicts} in conflict)",
                    f"add {self.evidence_created} evidence sources",
                )
            )
        counts = self.counts()
        rows = counts.pop("rows")
        return f"{rows} rows: " + ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in counts.items())
