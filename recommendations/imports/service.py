"""import_recommendations(): parse, then import chunk by chunk in one transaction."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import planner as statistics_upkeep
from recommendations import advocacy, followup, permissions
from recommendations.imports import detect, formats, ohchr_docx, table, upr_info
from recommendations.imports.base import ImportFileError, ParsedFile, ParsedRow
from recommendations.imports.lookups import Lookups, unknown_state
from recommendations.imports.result import ImportResult
from recommendations.imports.rows import Run
from recommendations.models import Position, Recommendation, Review, Session
from states.resolve import StateResolver

CHUNK_SIZE = 2000
# Key of the PostgreSQL advisory lock held by an import (any constant that no other code uses).
IMPORT_LOCK = 0x5550_5249_4D50  # "UPRIMP"
FORMATS = ("auto", *detect.FORMATS)


def import_recommendations(
    *,
    file: BinaryIO,
    name: str = "",
    format: str = "auto",
    state: str | None = None,
    session: int | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    max_rows: int | None = None,
    chunk_size: int = CHUNK_SIZE,
    user: AbstractBaseUser | None = None,
    suggest: bool = True,
) -> ImportResult:
    """Import a seekable binary file; raises ImportFileError when the file as a whole is unusable.

    `name` is the file's name as the user gave it: its extension chooses the
    message for content that is not what it claims (random bytes in a ".docx").
    `state` (ISO3 or name) and `session` name the review of an OHCHR list, and
    fill blank cells of a table. `progress` is called with the number of rows
    done after each chunk. `max_rows` refuses larger files before writing.
    History rows of what is created or changed name `user` (none for commands).
    After an import that created or changed recommendations, and unless `suggest`
    is false, the reviews in the file get fresh suggestions for editors: repeats
    in the same State's other reviews, and matches for the advocacy asks made
    for them (in their own transaction: the import stands if that fails).
    """
    if format not in FORMATS:
        raise ImportFileError(
            _("Unknown format %(format)s: use one of %(formats)s.")
            % {"format": repr(format), "formats": ", ".join(FORMATS)}
        )
    resolver = StateResolver()
    formats.check_extension(file, name)
    file_format = formats.detect_format(file) if format == "auto" else format
    defaults = _review_defaults(file_format, state, session, resolver)
    if max_rows is not None and count_rows(file, file_format, resolver, max_rows) > max_rows:
        message = ngettext(
            "The file has more than %(max)d row: import it with the command "
            "`python manage.py import_recommendations FILE`.",
            "The file has more than %(max)d rows: import it with the command "
            "`python manage.py import_recommendations FILE`.",
            max_rows,
        )
        raise ImportFileError(message % {"max": max_rows})
    parsed = parse_file(file, file_format, resolver)
    result = ImportResult(format=file_format, dry_run=dry_run)
    with transaction.atomic():
        _lock_imports()
        lookups = Lookups(resolver, parsed, result)
        run = Run(parsed, lookups, defaults, result, user.pk if user else None, protected=_protected(user))
        for chunk in _chunks(parsed.rows, chunk_size):
            run.import_chunk(chunk)
            if progress:
                progress(len(chunk))
        run.finish()
        result.written = not dry_run and (skip_invalid or not result.errors)
        if not result.written:
            transaction.set_rollback(True)
    result.sort_problems()
    if result.written and result.created:
        _refresh_statistics(result.created)
    if suggest and result.written and (result.created or result.updated):
        _suggest_links(sorted(run.lookups.reviews.values()), result)
    return result


def _protected(user: AbstractBaseUser | None) -> frozenset[str]:
    """What the user may not change of existing recommendations (nothing for commands: run by the operator)."""
    if user is None:
        return frozenset()
    everything = permissions.OFFICIAL_FIELDS | permissions.CLASSIFICATION_FIELDS
    return everything - permissions.recommendation_fields_changeable(user)


def _suggest_links(review_ids: list[int], result: ImportResult) -> None:
    """Suggest repeats across cycles and matches for advocacy asks for the imported reviews."""
    with transaction.atomic():
        result.suggested_repeats = followup.suggest_repeats(reviews=review_ids).suggested
        result.suggested_matches = advocacy.run_suggestions(reviews=review_ids).created


def _refresh_statistics(created: int) -> None:
    """A large import into a small database changes the tables' shape: the planner's statistics follow.

    Done before the suggestions, whose queries need them as much as the searches do.
    """
    tables = [
        Recommendation._meta.db_table,
        Position._meta.db_table,
        Review._meta.db_table,
        *(field.remote_field.through._meta.db_table for field in Recommendation._meta.many_to_many),
    ]
    statistics_upkeep.analyze_if_grown(tables, created)


def _lock_imports() -> None:
    """One import at a time: two files creating the same review or recommendation would collide.

    The lock is the transaction's and goes with it. Not waiting for it keeps a
    second import from running into the statement timeout.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK])
        if not cursor.fetchone()[0]:
            raise ImportFileError(_("Another import is running: try again when it has finished."))


def parse_file(file: BinaryIO, file_format: str, resolver: StateResolver) -> ParsedFile:
    file.seek(0)
    if file_format == detect.UPR_INFO:
        return upr_info.parse(file)
    if file_format == detect.OHCHR_DOCX:
        return ohchr_docx.parse(file, states=resolver)
    return table.parse(file)


def count_rows(file: BinaryIO, file_format: str, resolver: StateResolver, limit: int) -> int:
    """Data rows in the file, counting no further than limit + 1."""
    rows = parse_file(file, file_format, resolver).rows
    try:
        return sum(1 for _ in itertools.islice(rows, limit + 1))
    finally:
        if hasattr(rows, "close"):
            rows.close()  # a CSV reader lets go of the file only when closed
        file.seek(0)


def _review_defaults(
    file_format: str, state: str | None, session: int | None, resolver: StateResolver
) -> tuple[str, str]:
    """The State under review and session that rows without their own take (OHCHR lists need both)."""
    if file_format == detect.OHCHR_DOCX and not (state and session):
        raise ImportFileError(
            _(
                "An OHCHR list covers one review: give the State under review and the session "
                "(--state ISO3 --session N)."
            )
        )
    if file_format == detect.UPR_INFO and (state or session):
        raise ImportFileError(_("A UPR Info export names the State and session on every row: do not give them."))
    if state and resolver.resolve(state) is None:
        raise ImportFileError(unknown_state(state, resolver))
    if session is not None and not Session.objects.filter(number=session).exists():
        raise ImportFileError(_("Session %(number)s does not exist.") % {"number": session})
    return (state or "", str(session) if session is not None else "")


def _chunks(rows: Iterable[ParsedRow], size: int) -> Iterator[list[ParsedRow]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
