"""import_assessments(): read the whole sheet, then check and write every row in one transaction."""

from __future__ import annotations

import itertools
from typing import BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recommendations import permissions
from recommendations.imports.assessments import sheet
from recommendations.imports.assessments.result import SheetResult
from recommendations.imports.assessments.rows import Run
from recommendations.imports.base import ImportFileError
from recommendations.models import Organisation

# Key of the PostgreSQL advisory lock an import holds for its organisation ("UPAS").
IMPORT_LOCK = 0x5550_4153


def import_assessments(
    *,
    file: BinaryIO,
    organisation: Organisation,
    user: AbstractBaseUser,
    dry_run: bool = False,
    skip_invalid: bool = False,
    max_rows: int | None = None,
) -> SheetResult:
    """Import a seekable binary CSV or XLSX assessment sheet for `organisation`, as `user`.

    Raises ImportFileError when the file as a whole is unusable or the user does not edit for the organisation.
    Every row is checked and written in one transaction, rolled back for a dry run or when a row is invalid
    (unless `skip_invalid`), so the counts of a dry run are exact. Writes go through recommendations.services
    with the user as author of their history.
    """
    if not permissions.may_write_for(user, organisation.pk):
        raise ImportFileError(
            _("%(user)s does not edit for %(organisation)s: nothing was imported.")
            % {"user": user, "organisation": organisation}
        )
    rows = sheet.read(file)
    if max_rows is not None:
        rows = itertools.islice(rows, max_rows + 1)
    rows = list(rows)  # the whole file is read (and found readable) before anything is written
    if max_rows is not None and len(rows) > max_rows:
        message = ngettext(
            "The file has more than %(max)d row: import it with the command `python manage.py import_assessments`.",
            "The file has more than %(max)d rows: import it with the command `python manage.py import_assessments`.",
            max_rows,
        )
        raise ImportFileError(message % {"max": max_rows})
    result = SheetResult(dry_run=dry_run)
    with transaction.atomic():
        _lock(organisation)
        Run(organisation, user, result).run(rows)
        result.written = not dry_run and (skip_invalid or not result.errors)
        if not result.written:
            transaction.set_rollback(True)
    result.sort_problems()
    return result


def _lock(organisation: Organisation) -> None:
    """One import per organisation at a time: two files recording the same new assessment would both add it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [IMPORT_LOCK, organisation.pk])
        if not cursor.fetchone()[0]:
            raise ImportFileError(_("Another import for this organisation is running: try again when it has finished."))
