"""Uploaded evidence documents: checked by content on the way in, served only to those who may see them."""

import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from core.uploads import ZipLimitError, check_zip, validate_upload_size
from recommendations import permissions
from recommendations.models import EvidenceSource, ImplementationAssessment

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
        raise ValidationError("Only PDF and Word (DOCX) documents can be uploaded; this file is neither.")
    if extension != kind:
        raise ValidationError(f"This file is a {kind.upper()} document: name it .{kind}.")


def may_download(user, evidence: EvidenceSource) -> bool:
    """Whoever may see an assessment citing the evidence (or, uncited, its editors) may download it."""
    return EvidenceSource.objects.visible_to(user).filter(pk=evidence.pk).exists()


def download(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence's uploaded document, if the visitor may see it; 404 otherwise (no hint it exists)."""
    evidence = get_object_or_404(EvidenceSource, pk=pk)
    if not evidence.document or not may_download(request.user, evidence):
        raise Http404("No such document.")
    kind = evidence.document.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        evidence.document.open("rb"),
        as_attachment=True,
        filename=evidence.document.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if not _public(evidence) else "public, max-age=3600"
    return response


def _public(evidence: EvidenceSource) -> bool:
    return permissions.public(ImplementationAssessment.objects.all()).filter(citations__evidence=evidence).exists()
