"""Which parser reads a file: the format judged from its content (the parsers own their column lists)."""

from pathlib import PurePath
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from recommendations.imports import table, upr_info
from recommendations.imports.base import ImportFileError
from recommendations.imports.detect import (
    OHCHR_DOCX,
    OLE_MAGIC,
    TABLE,
    UPR_INFO,
    ZIP_MAGIC,
    open_zip,
    peek,
    read_csv_header,
)

# What a file whose name ends so must be, a ZIP archive (Office Open XML), and what to say when it is not.
DOCUMENT_EXTENSIONS = {
    ".docx": gettext_lazy(
        "The file is not a valid Word (.docx) document: its content is not an Office document "
        "(the file may be damaged, or renamed from another format). Save it again from Word or Excel."
    ),
    ".xlsx": gettext_lazy(
        "The file is not a valid Excel (.xlsx) workbook: its content is not an Office document "
        "(the file may be damaged, or renamed from another format). Save it again from Word or Excel."
    ),
}


def check_extension(stream: BinaryIO, name: str) -> None:
    """ImportFileError when a file named .docx or .xlsx is not a ZIP archive at all.

    Its content would otherwise be read as a CSV file and reported as binary
    text, which says nothing to someone who uploaded a damaged Word document.
    A legacy .doc/.xls saved under the new extension gets detect_format's message.
    """
    message = DOCUMENT_EXTENSIONS.get(PurePath(name).suffix.casefold())
    head = peek(stream, 8)
    if message and not head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise ImportFileError(str(message))


def detect_format(stream: BinaryIO) -> str:
    """UPR_INFO, OHCHR_DOCX or TABLE, from the content; ImportFileError when none fits."""
    head = peek(stream, 8)
    if head.startswith(ZIP_MAGIC):
        return _zip_format(stream)
    if head.startswith(OLE_MAGIC):
        raise ImportFileError(_("This is a legacy Word/Excel file (.doc/.xls); save it as .docx or .xlsx."))
    header = read_csv_header(stream)
    if upr_info.is_header(header):
        return UPR_INFO
    if table.is_header(header):
        return TABLE
    raise ImportFileError(
        _(
            "Unrecognised columns %(columns)s: expected a UPR Info export (%(upr_info)s) "
            "or the table template (%(table)s)."
        )
        % {
            "columns": ", ".join(header) or pgettext("import: no column names", "(none)"),
            "upr_info": ", ".join(upr_info.COLUMNS),
            "table": ", ".join(table.REQUIRED_COLUMNS),
        }
    )


def _zip_format(stream: BinaryIO) -> str:
    names = set(open_zip(stream).namelist())
    stream.seek(0)
    if "word/document.xml" in names:
        return OHCHR_DOCX
    if "xl/workbook.xml" in names:
        return TABLE
    raise ImportFileError(_("The file is a ZIP archive but neither a DOCX nor an XLSX document."))
