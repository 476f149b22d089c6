import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import reset_queries
from tqdm import tqdm

from recommendations import imports as importing
from recommendations.imports.base import ImportFileError
from recommendations.imports.result import invalid_rows
from recommendations.models import DemoData

# Below this many rows a progress bar is noise.
PROGRESS_MIN_ROWS = 3000
# Problems and changes printed on the terminal; --report has them all.
PRINT_LIMIT = 50


class Command(BaseCommand):
    help = (
        "Import recommendations from a UPR Info CSV export, an OHCHR thematic list (DOCX, with --state and "
        "--session) or the generic table (CSV/XLSX). Nothing is written if any row is invalid, unless "
        "--skip-invalid is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=importing.FORMATS, default="auto")
        parser.add_argument("--state", help="State under review (ISO3 or name): required for OHCHR lists.")
        parser.add_argument("--session", type=int, help="UPR session number: required for OHCHR lists.")
        parser.add_argument("--dry-run", action="store_true", help="Do everything, then roll back.")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the valid rows, skip the others.")
        parser.add_argument("--report", type=Path, help="Write every problem to this CSV file.")
        parser.add_argument(
            "--no-suggestions",
            action="store_true",
            help="Do not suggest repeats and advocacy matches for the imported reviews "
            "(run `manage.py suggest_repeats` and `suggest_matches` later).",
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        result = self._import(options)
        if options["report"]:
            self._write_report(result, options["report"])
        self._print_details(result, options["verbosity"])
        elapsed = time.monotonic() - started
        self.stdout.write(f"{result.format}: {result.summary()} in {elapsed:.1f} s.")
        if result.errors and not options["skip_invalid"]:
            raise CommandError(invalid_rows(result.skipped))
        if result.suggested_repeats is not None:
            self.stdout.write(
                f"For editors to confirm in the admin: {result.suggested_repeats} new likely repeats across cycles, "
                f"{result.suggested_matches} new matches for advocacy asks."
            )
        self.stdout.write(self.style.SUCCESS(result.outcome()) if result.written else result.outcome())
        if DemoData.is_loaded():
            self.stdout.write(
                "The demo data is still in the database beside yours: "
                "`.venv/bin/python manage.py remove_demo` removes it."
            )

    def _import(self, options) -> importing.ImportResult:
        path: Path = options["file"]
        bar = _LazyProgress(sys.stderr if options["verbosity"] else None)
        try:
            with path.open("rb") as file:
                return importing.import_recommendations(
                    file=file,
                    name=path.name,
                    format=options["format"],
                    state=options["state"],
                    session=options["session"],
                    dry_run=options["dry_run"],
                    skip_invalid=options["skip_invalid"],
                    progress=bar.update,
                    suggest=not options["no_suggestions"],
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        finally:
            bar.close()

    def _write_report(self, result: importing.ImportResult, path: Path) -> None:
        try:
            with path.open("w", newline="", encoding="utf-8") as handle:
                importing.write_report(result, handle)
        except OSError as exc:
            raise CommandError(f"Cannot write the report {path}: {exc.strerror or exc}.") from None

    def _print_details(self, result: importing.ImportResult, verbosity: int) -> None:
        limit = None if verbosity > 1 else PRINT_LIMIT
        for title, lines in (
            ("Created reviews", result.created_reviews),
            ("Created themes", result.created_themes),
            ("Created affected groups", result.created_groups),
            ("Updated", [f"row {c.row} ({c.recommendation}): {', '.join(c.fields)}" for c in result.changes]),
        ):
            if lines and verbosity:
                self.stdout.write(f"{title} ({len(lines)}):")
                self._write_lines(self.stdout, lines, limit)
        problems = [f"{p.level}: row {p.row}, {p.column or 'row'}: {p.message}" for p in result.problems]
        if problems and verbosity:
            self.stderr.write(f"Problems ({len(result.errors)} errors, {len(result.warnings)} warnings):")
            self._write_lines(self.stderr, problems, limit)

    def _write_lines(self, stream, lines: list[str], limit: int | None) -> None:
        for line in lines[:limit]:
            stream.write(f"  {line}")
        if limit is not None and len(lines) > limit:
            stream.write(f"  … and {len(lines) - limit} more (--report or -v 2 shows all).")


class _LazyProgress:
    """A tqdm bar on stderr that appears only once a file proves large."""

    def __init__(self, stream) -> None:
        self.stream, self.done, self.bar = stream, 0, None

    def update(self, rows: int) -> None:
        # With DEBUG on, Django keeps the SQL of every query: a long import must not grow with it.
        reset_queries()
        self.done += rows
        if self.bar is None and self.stream is not None and self.done >= PROGRESS_MIN_ROWS:
            self.bar = tqdm(file=self.stream, unit=" rows", initial=self.done - rows, dynamic_ncols=True)
        if self.bar is not None:
            self.bar.update(rows)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
