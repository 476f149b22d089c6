"""Private storage for uploaded evidence documents.

The files live under PRIVATE_MEDIA_ROOT, outside the static root and with no
URL of their own: recommendations/site/evidence_files.py serves them after checking
who may see them. A document's `url` is that view's (EvidenceDocumentField),
so the admin's file widget and its read-only display link there.
"""

import os
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.translation import gettext

from core.uploads import ZipLimitError, check_zip, validate_upload_size


class PrivateStorage(FileSystemStorage):
    """PRIVATE_MEDIA_ROOT read when used, not when the model class is built (tests and deployments change it)."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:
        return None


def evidence_storage() -> FileSystemStorage:
    """A callable, so migrations do not record the path of this machine."""
    return PrivateStorage()


class EvidenceDocumentFile(FieldFile):
    """An evidence document whose URL is the permission-checked download view, never the file's address."""

    @property
    def url(self) -> str:
        self._require_file()
        if self.instance.pk is None:
            return super().url  # the storage's ValueError: nothing to download before the evidence is saved
        return reverse("recommendations:evidence-document", args=[self.instance.pk])


class EvidenceDocumentField(models.FileField):
    """A FileField in private storage whose files link to recommendations:evidence-document."""

    attr_class = EvidenceDocumentFile


# What may be stored: a PDF or a DOCX, judged by its bytes ------------------------------------------------

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def document_kind(file) -> str | None:
    """'pdf' or 'docx' judged by the bytes, never by the name; None for anything else.

    A DOCX is judged from its ZIP directory alone, never unpacked; ValidationError when that
    directory is over the ZIP limits (uploads.check_zip).
    """
    file.seek(0)
    head = file.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _docx_kind(file)
    return None


def _docx_kind(file) -> str | None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:  # reads the directory; leaves the upload open
            check_zip(archive)
            return "docx" if "word/document.xml" in archive.namelist() else None
    except zipfile.BadZipFile:
        return None
    except ZipLimitError as exc:
        raise ValidationError(str(exc)) from None


def validate_document(file: UploadedFile) -> None:
    """Refuse files over UPLOAD_MAX_MB (before reading them) and anything that is not really a PDF or DOCX."""
    validate_upload_size(file)
    kind = document_kind(file)
    file.seek(0)
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if kind is None:
        raise ValidationError(gettext("Only PDF and Word (DOCX) documents can be uploaded; this file is neither."))
    if extension != kind:
        message = gettext("This file is a %(kind)s document: name it .%(extension)s.")
        raise ValidationError(message % {"kind": kind.upper(), "extension": kind})
