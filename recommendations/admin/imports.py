"""The admin's "Import recommendations" page: upload, preview (a dry run), confirm.

The uploaded file is kept server-side (admin/uploads.py: VAR_DIR/imports, a random
token, with the options and the preview's counts beside it). Confirming imports
that same file with the same options; if the counts differ from the preview
(someone changed the data in between), the import is rolled back and the new
preview shown instead, so what is confirmed is exactly what was previewed.
Larger files than IMPORT_ADMIN_MAX_ROWS go through the management command.
"""

from __future__ import annotations

import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.uploads import validate_upload_size
from recommendations import imports as importing
from recommendations.admin import uploads
from recommendations.imports import export as exporting
from recommendations.imports.base import ImportFileError
from recommendations.models import DemoData

PREVIEW_PROBLEMS = 200
PREVIEW_CHANGES = 100
DEMO_STILL_LOADED = _(
    "The demo data (Kazakhstan, summarised) is still in the database beside the imported rows: "
    "a staff administrator removes it with `manage.py remove_demo` (README, The demo data)."
)

FORMAT_CHOICES = [
    ("auto", _("Detect from the content")),
    ("upr-info", _("UPR Info database export (CSV)")),
    ("ohchr-docx", _("OHCHR thematic list of recommendations (DOCX)")),
    ("table", _("Table (CSV or XLSX, see the template)")),
]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), validators=[validate_upload_size])
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="auto")
    state = forms.CharField(
        label=_("State"),
        required=False,
        max_length=100,
        help_text=_("State under review (ISO3 code or name): needed for an OHCHR list."),
    )
    session = forms.IntegerField(
        label=_("Session"), required=False, min_value=1, help_text=_("UPR session: needed for an OHCHR list.")
    )


def import_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _confirm_or_cancel(model_admin, request, uploads.load(request, request.POST["token"]))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = _store(request, form.cleaned_data)
        try:
            result = _preview(upload)
        except ImportFileError as exc:
            uploads.discard(upload["token"])
            form.add_error("file", str(exc))
        else:
            return _render(model_admin, request, form=None, upload=upload, result=result)
    return _render(model_admin, request, form=form, status=400 if form.errors else 200)


def template_view(model_admin, request: HttpRequest, file_type: str) -> HttpResponse:
    """The blank table template, CSV or XLSX."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    if file_type == "csv":
        response = HttpResponse("".join(exporting.csv_lines(exporting.template_rows())), content_type="text/csv")
    elif file_type == "xlsx":
        stream = io.BytesIO()
        exporting.write_xlsx(exporting.template_rows(), stream)
        response = HttpResponse(
            stream.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="recommendations-template.{file_type}"'
    return response


def problems_view(model_admin, request: HttpRequest, token: str) -> FileResponse:
    """The preview's problems as CSV, like the command's --report."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    upload = uploads.load(request, token)
    path = uploads.imports_dir() / f"{upload['token']}.problems.csv"
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename="import-problems.csv")


def _store(request: HttpRequest, data: dict) -> dict:
    """Keep the upload and its options under a fresh token."""
    options = {"format": data["format"], "state": data["state"] or None, "session": data["session"]}
    return uploads.store(request, data["file"], **options)


def _preview(upload: dict) -> importing.ImportResult:
    result = _run(upload, dry_run=True, max_rows=settings.IMPORT_ADMIN_MAX_ROWS)
    upload["counts"] = result.counts()
    uploads.save(upload)
    _write_problems(upload["token"], result)
    return result


def _confirm_or_cancel(model_admin, request: HttpRequest, upload: dict) -> HttpResponse:
    changelist = reverse("admin:recommendations_recommendation_changelist")
    if "cancel" in request.POST:
        uploads.discard(upload["token"])
        messages.info(request, gettext("Import cancelled: nothing was written."))
        return HttpResponseRedirect(changelist)
    skip_invalid = request.POST.get("skip_invalid") == "on"
    with transaction.atomic():
        result = _run(upload, dry_run=False, skip_invalid=skip_invalid, user=request.user)
        if result.counts() != upload["counts"]:
            transaction.set_rollback(True)
    if result.counts() != upload["counts"]:
        messages.warning(
            request, gettext("The data changed since the preview: nothing was written. Here is a new preview.")
        )
        return _render(model_admin, request, form=None, upload=upload, result=_preview(upload))
    if not result.written:
        messages.error(request, gettext("The file has invalid rows: nothing was written."))
        return _render(model_admin, request, form=None, upload=upload, result=result)
    uploads.discard(upload["token"])
    messages.success(
        request, gettext("Imported %(name)s: %(summary)s.") % {"name": upload["name"], "summary": result.summary()}
    )
    if result.suggested_repeats is not None:
        repeats, matches = result.suggested_repeats, result.suggested_matches
        message = gettext("To confirm: %(repeats)s (Repeat links), %(matches)s (Ask matches).") % {
            "repeats": ngettext(
                "%(count)s new likely repeat across cycles", "%(count)s new likely repeats across cycles", repeats
            )
            % {"count": repeats},
            "matches": ngettext(
                "%(count)s new match for advocacy asks", "%(count)s new matches for advocacy asks", matches
            )
            % {"count": matches},
        }
        messages.info(request, message)
    if DemoData.is_loaded():
        messages.warning(request, DEMO_STILL_LOADED)
    return HttpResponseRedirect(changelist)


def _run(upload: dict, **options) -> importing.ImportResult:
    with uploads.upload_path(upload["token"]).open("rb") as file:
        return importing.import_recommendations(
            file=file,
            name=upload["name"],
            format=upload["format"],
            state=upload["state"],
            session=upload["session"],
            **options,
        )


def _render(model_admin, request: HttpRequest, *, form, upload=None, result=None, status=200) -> TemplateResponse:
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": gettext("Import recommendations"),
        "form": form,
        "upload": upload,
        "result": result,
        "problems": result.problems[:PREVIEW_PROBLEMS] if result else [],
        "changes": result.changes[:PREVIEW_CHANGES] if result else [],
        "max_rows": settings.IMPORT_ADMIN_MAX_ROWS,
        "max_mb": settings.UPLOAD_MAX_MB,
    }
    return TemplateResponse(request, "admin/recommendations/recommendation/import.html", context, status=status)


def _write_problems(token: str, result: importing.ImportResult) -> None:
    with (uploads.imports_dir() / f"{token}.problems.csv").open("w", newline="", encoding="utf-8") as handle:
        importing.write_report(result, handle)
