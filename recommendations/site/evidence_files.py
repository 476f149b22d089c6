"""Uploaded evidence documents, served only to those who may see them (checked on the way in by
recommendations/models/storage.py: validate_document)."""

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from recommendations import permissions
from recommendations.models import EvidenceSource
from recommendations.models.storage import CONTENT_TYPES


def may_download(user, evidence: EvidenceSource) -> bool:
    """Whoever may see an assessment citing the evidence (or, uncited, its editors) may download it."""
    return permissions.can_see(user, evidence)


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
    public = permissions.can_see(None, evidence)  # cited by a published assessment
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
