from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recommendations import imports as importing
from recommendations.imports import assessments as sheets
from recommendations.imports.base import ImportFileError
from recommendations.imports.result import invalid_rows
from recommendations.models import Organisation

# Problems and changes printed on the terminal; --report has them all.
PRINT_LIMIT = 50


class Command(BaseCommand):
    help = (
        "Import an assessment sheet (CSV or XLSX, as export_assessments writes it) for one organisation, as one "
        "of its editors: new rows record assessments, changed rows change the organisation's own (a published "
        "one becomes a proposed revision unless the user is a reviewer). Nothing is written if any row is "
        "invalid or in conflict, unless --skip-invalid is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument("--user", required=True, help="Username of the editor the import acts as.")
        parser.add_argument("--dry-run", action="store_true", help="Do everything, then roll back.")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the valid rows, skip the others.")
        parser.add_argument("--report", type=Path, help="Write every problem to this CSV file.")

    def handle(self, *args, **options) -> None:
        result = self._import(options)
        if options["report"]:
            self._write_report(result, options["report"])
        self._print_details(result, options["verbosity"])
        self.stdout.write(f"{result.format}: {result.summary()}.")
        if result.errors and not options["skip_invalid"]:
            raise CommandError(invalid_rows(result.skipped))
        self.stdout.write(self.style.SUCCESS(result.outcome()) if result.written else result.outcome())

    def _import(self, options) -> sheets.SheetResult:
        organisation, user = organisation_and_user(options["organisation"], options["user"])
        path: Path = options["file"]
        try:
            with path.open("rb") as file:
                return sheets.import_assessments(
                    file=file,
                    organisation=organisation,
                    user=user,
                    dry_run=options["dry_run"],
                    skip_invalid=options["skip_invalid"],
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc}") from None

    def _write_report(self, result: sheets.SheetResult, path: Path) -> None:
        try:
            with path.open("w", newline="", encoding="utf-8") as handle:
                importing.write_report(result, handle)
        except OSError as exc:
            raise CommandError(f"Cannot write the report {path}: {exc.strerror or exc}.") from None

    def _print_details(self, result: sheets.SheetResult, verbosity: int) -> None:
        if not verbosity:
            return
        limit = None if verbosity > 1 else PRINT_LIMIT
        changes = [f"row {c.row} ({c.recommendation}): {', '.join(c.fields)}" for c in result.changes]
        if changes:
            self.stdout.write(f"Changed ({len(changes)}):")
            self._write_lines(self.stdout, changes, limit)
        problems = [f"{p.level}: row {p.row}, {p.column or 'row'}: {p.message}" for p in result.problems]
        if problems:
            self.stderr.write(f"Problems ({len(result.errors)} errors, {len(result.warnings)} warnings):")
            self._write_lines(self.stderr, problems, limit)

    def _write_lines(self, stream, lines: list[str], limit: int | None) -> None:
        for line in lines[:limit]:
            stream.write(f"  {line}")
        if limit is not None and len(lines) > limit:
            stream.write(f"  … and {len(lines) - limit} more (--report or -v 2 shows all).")


def organisation_and_user(slug: str, username: str):
    """The organisation and the user a sheet command acts for; CommandError when either is unknown."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"Unknown organisation {slug!r} (give its slug).")
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Unknown or inactive user {username!r}.")
    return organisation, user
