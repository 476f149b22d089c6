"""Limits on uploaded files, for every form that takes one, and on ZIP-based documents before they are read.

- UPLOAD_MAX_MB caps every upload. UploadCapHandler, first of FILE_UPLOAD_HANDLERS, stops keeping a
  file's bytes once it passes the cap, so an oversized upload never fills memory or the temporary
  folder: the file reaches the form as an OversizedUpload (its name and size, no content), which
  validate_upload_size refuses with a message naming the limit. Forms check it before anything
  reads the file.
- DOCX and XLSX files are ZIP archives, and a small one can unpack to gigabytes (a zip bomb).
  check_zip judges one from its central directory alone, which ZipFile reads when opened, before
  anything is decompressed: too many parts, too much unpacked data in all, or one large part
  compressed far more than real documents are. The directory's sizes can be trusted as bounds:
  zipfile never yields more than a part's declared size (it raises BadZipFile at the CRC check).
"""

from __future__ import annotations

import io
import math
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext

MB = 1024 * 1024
# A DOCX has about 25 parts and an XLSX about 10 plus one per sheet.
ZIP_MAX_ENTRIES = 1000
# Real documents' XML compresses 10 to 30-fold (an OHCHR list 25, a 20,000-row sheet 14); deflate reaches
# about 1,000-fold on a bomb's repeated bytes. Only parts that unpack to more than ZIP_RATIO_FROM_BYTES are
# judged: a small part may compress as well as it likes and still stays small.
ZIP_MAX_RATIO = 100
ZIP_RATIO_FROM_BYTES = MB


def upload_limit() -> int:
    """UPLOAD_MAX_MB in bytes."""
    return settings.UPLOAD_MAX_MB * MB


def validate_upload_size(file: UploadedFile) -> None:
    """ValidationError for a file over UPLOAD_MAX_MB; reads nothing of it."""
    if file.size > upload_limit():
        raise ValidationError(
            gettext("The file is larger than %(limit)s MB, the largest upload allowed."),
            code="too_large",
            params={"limit": settings.UPLOAD_MAX_MB},
        )


class OversizedUpload(UploadedFile):
    """An upload past UPLOAD_MAX_MB: its name, type and full size, none of its content."""

    def __init__(self, name: str, content_type: str, size: int) -> None:
        super().__init__(io.BytesIO(), name, content_type, size)


class UploadCapHandler(FileUploadHandler):
    """Passes each file's chunks on to the next handlers up to UPLOAD_MAX_MB, none after it.

    Past the cap the rest is only counted, and the file becomes an OversizedUpload for the form to
    refuse. (The proxy in front should also bound request bodies; see the README.)
    """

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        return raw_data if start + len(raw_data) <= upload_limit() else None

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if file_size <= upload_limit():
            return None  # the next handler's file (memory or temporary file), as usual
        return OversizedUpload(self.file_name, self.content_type, file_size)


class ZipLimitError(ValueError):
    """A ZIP archive over the limits; the message says which, for the importers and forms to show."""


def check_zip(archive: zipfile.ZipFile) -> None:
    """ZipLimitError when the archive has too many parts, unpacks to more than ZIP_MAX_UNCOMPRESSED_MB,
    or has a large part compressed more than ZIP_MAX_RATIO-fold. Reads the central directory only."""
    entries = archive.infolist()
    if len(entries) > ZIP_MAX_ENTRIES:
        message = gettext("The file holds %(count)s parts, more than the %(max)s a DOCX or XLSX file may hold.")
        raise ZipLimitError(message % {"count": len(entries), "max": ZIP_MAX_ENTRIES})
    total, limit = sum(entry.file_size for entry in entries), settings.ZIP_MAX_UNCOMPRESSED_MB
    if total > limit * MB:
        message = gettext(
            "The file would unpack to %(size)s MB, more than the %(max)s MB a DOCX or XLSX file may hold."
        )
        raise ZipLimitError(message % {"size": math.ceil(total / MB), "max": limit})
    for entry in entries:
        _check_ratio(entry)


def _check_ratio(entry: zipfile.ZipInfo) -> None:
    if entry.file_size <= ZIP_RATIO_FROM_BYTES or entry.file_size <= ZIP_MAX_RATIO * entry.compress_size:
        return
    ratio = entry.file_size // max(entry.compress_size, 1)
    message = gettext(
        "The part %(part)s is compressed %(ratio)s-fold, more than any real DOCX or XLSX file "
        "(at most %(max)s-fold here): it looks like a zip bomb."
    )
    raise ZipLimitError(message % {"part": entry.filename[:200], "ratio": ratio, "max": ZIP_MAX_RATIO})
