"""Uploaded evidence documents: checked by content on the way in, served only to those who may see them."""

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from recommendations import permissions
from recommendations.models import EvidenceSource, ImplementationAssessment

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def document_kind(head: bytes, file) -> str | None:
    """'pdf' or 'docx' judged by the bytes, never by the name; None for anything else."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        file.seek(0)
        try:
            with zipfile.ZipFile(io.BytesIO(file.read())) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else None
        except zipfile.BadZipFile:
            return None
    return None


def validate_document(file: UploadedFile) -> None:
    """Refuse files over EVIDENCE_MAX_UPLOAD_MB and anything that is not really a PDF or DOCX."""
    limit = settings.EVIDENCE_MAX_UPLOAD_MB
    if file.size > limit * 1024 * 1024:
        raise ValidationError(f"The document is larger than {limit} MB.")
    file.seek(0)
    kind = document_kind(file.read(8), file)
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
