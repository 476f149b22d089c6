"""Private storage for uploaded evidence documents.

The files live under PRIVATE_MEDIA_ROOT, outside the static root and with no
URL of their own: recommendations/site/evidence_files.py serves them after checking
who may see them. A document's `url` is that view's (EvidenceDocumentField),
so the admin's file widget and its read-only display link there.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse


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
