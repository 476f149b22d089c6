"""Uploads kept between an import's preview and its confirmation (recommendations and assessment sheets).

The file is kept server-side under VAR_DIR/imports, named by a random token, with its options (and the preview's
counts) in a JSON file beside it; only the user who uploaded it may load it again. Uploads nobody confirmed or
cancelled within a day are removed when the next one is stored.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

STALE_AFTER_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[0-9a-f]{32}")


def imports_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def store(request: HttpRequest, file, **options) -> dict:
    """Keep the uploaded file and its options under a fresh token; returns the upload's record."""
    remove_stale()
    token = secrets.token_hex(16)
    with upload_path(token).open("wb") as handle:
        for chunk in file.chunks():
            handle.write(chunk)
    upload = {"token": token, "user": request.user.pk, "name": file.name, **options}
    save(upload)
    return upload


def upload_path(token: str) -> Path:
    return imports_dir() / f"{token}.upload"


def load(request: HttpRequest, token: str) -> dict:
    """The stored upload of this token, only for the user who uploaded it."""
    path = imports_dir() / f"{token}.json"
    if not _TOKEN.fullmatch(token) or not path.exists():
        raise Http404("This import is no longer available: upload the file again.")
    upload = json.loads(path.read_text())
    if upload["user"] != request.user.pk:
        raise PermissionDenied
    return upload


def save(upload: dict) -> None:
    (imports_dir() / f"{upload['token']}.json").write_text(json.dumps(upload))


def discard(token: str) -> None:
    for path in imports_dir().glob(f"{token}.*"):
        path.unlink(missing_ok=True)


def remove_stale() -> None:
    """Uploads nobody confirmed or cancelled within a day."""
    limit = time.time() - STALE_AFTER_SECONDS
    for path in imports_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
