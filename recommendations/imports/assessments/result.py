"""What an import of an assessment sheet did, or would do in a dry run."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import npgettext_lazy

from recommendations.imports.result import DID, WOULD_CREATE, WOULD_UPDATE, Report, summarise

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
        if self.written:
            parts = {**DID, **SHEET_DID}
            return summarise(self, [(parts[name], name) for name in self.counts() if name != "rows"])
        return summarise(
            self,
            [
                (WOULD_CREATE, "created"),
                (WOULD_UPDATE, "updated"),
                (WOULD_PROPOSE, "proposed"),
                (WOULD_LEAVE, "unchanged"),
                (WOULD_SKIP, "skipped"),
                (WOULD_ADD, "evidence_created"),
            ],
            would=True,
        )


# Parts of the summary of a sheet import that wrote nothing; WOULD_LEAVE and WOULD_SKIP also take the result's
# "blank" and "conflicts" counts.
WOULD_PROPOSE = npgettext_lazy(
    "import dry run: 12 rows: would …",
    "propose %(count)d revision of published assessments",
    "propose %(count)d revisions of published assessments",
    "count",
)
WOULD_LEAVE = npgettext_lazy(
    "import dry run: 12 rows: would …",
    "leave %(count)d unchanged and %(blank)d blank",
    "leave %(count)d unchanged and %(blank)d blank",
    "count",
)
WOULD_SKIP = npgettext_lazy(
    "import dry run: 12 rows: would …",
    "skip %(count)d invalid row (%(conflicts)d in conflict)",
    "skip %(count)d invalid rows (%(conflicts)d in conflict)",
    "count",
)
WOULD_ADD = npgettext_lazy(
    "import dry run: 12 rows: would …",
    "add %(count)d evidence source",
    "add %(count)d evidence sources",
    "count",
)
# Parts of the summary of a sheet import that wrote, beside those of a recommendation import (result.DID).
SHEET_DID = {
    "proposed": npgettext_lazy("import summary: 12 rows: …", "%(count)d proposed", "%(count)d proposed", "count"),
    "blank": npgettext_lazy("import summary: 12 rows: …", "%(count)d blank", "%(count)d blank", "count"),
    "conflicts": npgettext_lazy("import summary: 12 rows: …", "%(count)d conflict", "%(count)d conflicts", "count"),
    "evidence_created": npgettext_lazy(
        "import summary: 12 rows: …", "%(count)d evidence created", "%(count)d evidence created", "count"
    ),
}
