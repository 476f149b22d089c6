"""Private storage for uploaded evidence documents.

The files live under PRIVATE_MEDIA_ROOT, outside the static root and with no
URL of their own: recommendations/evidence_files.py serves them after checking
who may see them.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


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
