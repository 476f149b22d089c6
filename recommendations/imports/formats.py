"""Which parser reads a file: the format judged from its content (the parsers own their column lists)."""

from typing import BinaryIO

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


def detect_format(stream: BinaryIO) -> str:
    """UPR_INFO, OHCHR_DOCX or TABLE, from the content; ImportFileError when none fits."""
    head = peek(stream, 8)
    if head.startswith(ZIP_MAGIC):
        return _zip_format(stream)
    if head.startswith(OLE_MAGIC):
        raise ImportFileError("This is a legacy Word/Excel file (.doc/.xls); save it as .docx or .xlsx.")
    header = read_csv_header(stream)
    if upr_info.is_header(header):
        return UPR_INFO
    if table.is_header(header):
        return TABLE
    raise ImportFileError(
        f"Unrecognised columns {', '.join(header) or '(none)'}: expected a UPR Info export "
        f"({', '.join(upr_info.COLUMNS)}) or the table template ({', '.join(table.REQUIRED_COLUMNS)})."
    )


def _zip_format(stream: BinaryIO) -> str:
    names = set(open_zip(stream).namelist())
    stream.seek(0)
    if "word/document.xml" in names:
        return OHCHR_DOCX
    if "xl/workbook.xml" in names:
        return TABLE
    raise ImportFileError("The file is a ZIP archive but neither a DOCX nor an XLSX document.")
