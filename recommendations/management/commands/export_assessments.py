from contextlib import nullcontext
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict

from recommendations.imports import assessments as sheets
from recommendations.imports import export as exporting
from recommendations.management.commands.import_assessments import organisation_and_user


class Command(BaseCommand):
    help = (
        "Export an organisation's assessments that a user may see as an assessment sheet (CSV or XLSX), to edit "
        "and bring back with import_assessments. With --unassessed, the recommendations of a search (the search "
        "page's query string or address) that the organisation has not assessed yet follow as rows to fill in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument("--user", required=True, help="Username of the editor the export is made for.")
        parser.add_argument("--format", choices=("csv", "xlsx"), help="Default: from the output's extension, else csv.")
        parser.add_argument("--output", "-o", type=Path, help="The file to write (default: CSV on standard output).")
        parser.add_argument(
            "--unassessed",
            metavar="QUERY",
            help='Add rows to fill in for this search, e.g. "state_under_review=KAZ&theme=upr-info:…" '
            "or the search page's address.",
        )

    def handle(self, *args, **options) -> None:
        organisation, user = organisation_and_user(options["organisation"], options["user"])
        query = _query(options["unassessed"]) if options["unassessed"] is not None else None
        output: Path | None = options["output"]
        file_format = options["format"] or ("xlsx" if output and output.suffix.lower() == ".xlsx" else "csv")
        if file_format == "xlsx" and output is None:
            raise CommandError("An XLSX export needs --output FILE.")
        try:
            rows = sheets.sheet_rows(organisation, user, query=query)
        except sheets.ExportError as exc:
            raise CommandError(str(exc)) from None
        try:
            self._write(rows, file_format, output)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}.") from None

    def _write(self, rows, file_format: str, output: Path | None) -> None:
        if file_format == "xlsx":
            with output.open("wb") as handle:
                exporting.write_xlsx(_capped(rows), handle)
            return
        with output.open("w", newline="", encoding="utf-8") if output else nullcontext(self.stdout) as handle:
            for line in exporting.csv_lines(rows):
                handle.write(line)


def _query(value: str) -> QueryDict:
    """The query string of a search page address, or the query string itself."""
    text = value.strip()
    if "?" in text:
        text = urlsplit(text).query or text.partition("?")[2]
    return QueryDict(text)


def _capped(rows):
    for number, row in enumerate(rows):
        if number > exporting.XLSX_MAX_ROWS:
            raise CommandError(f"More than {exporting.XLSX_MAX_ROWS} rows: export them as CSV.")
        yield row
