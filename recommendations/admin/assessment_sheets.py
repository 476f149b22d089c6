"""The assessments list's sheets: export an organisation's assessments (and the recommendations of a search it
has not assessed yet) to XLSX or CSV, and import an edited sheet back with a preview, then a confirmation.

The upload is kept as the recommendation import keeps its own (admin/uploads.py: a random token, only for the user who
uploaded it); confirming imports the same file, and if the counts differ from the preview (someone changed the
data in between) nothing is written and the new preview is shown.
"""

from __future__ import annotations

import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.uploads import validate_upload_size
from recommendations import permissions
from recommendations.admin import uploads
from recommendations.imports import assessments as sheets
from recommendations.imports import export as exporting
from recommendations.imports.base import ImportFileError
from recommendations.models import Organisation

PREVIEW_PROBLEMS = 200
PREVIEW_CHANGES = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = [("xlsx", gettext_lazy("XLSX (Excel, LibreOffice)")), ("csv", gettext_lazy("CSV (UTF-8)"))]


class ExportForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=gettext_lazy("Organisation"))
    format = forms.ChoiceField(choices=FORMATS, initial="xlsx", label=gettext_lazy("Format"))
    search = forms.CharField(
        required=False,
        max_length=2000,
        label=gettext_lazy("Also recommendations not assessed yet, of this search"),
        help_text=gettext_lazy(
            "The public search page's address or query string, e.g. state_under_review=KAZ&theme=…: its "
            "recommendations that the organisation has not assessed yet follow as empty rows to fill in. "
            "Leave blank for the organisation's assessments only."
        ),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = permissions.organisation_choices(user)


class ImportForm(forms.Form):
    file = forms.FileField(validators=[validate_upload_size], label=gettext_lazy("Assessment sheet (XLSX or CSV)"))
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=gettext_lazy("Organisation"))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = permissions.organisation_choices(user)


# Export ------------------------------------------------------------------------------------------------------


def export_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ExportForm(request.GET if "organisation" in request.GET else None, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        query = search_query(data["search"]) if data["search"].strip() else None
        try:
            rows = sheets.sheet_rows(data["organisation"], request.user, query=query)
            return sheet_response(rows, data["format"], f"assessments-{data['organisation'].slug}")
        except sheets.ExportError as exc:
            form.add_error("search", str(exc))
    context = {
        **_context(model_admin, request, _("Export assessments")),
        "form": form,
        "import_url": reverse("admin:recommendations_implementationassessment_import"),
    }
    template = "admin/recommendations/implementationassessment/export.html"
    return TemplateResponse(request, template, context, status=400 if form.errors else 200)


def search_query(text: str) -> QueryDict:
    """The query string of a search page's address, or the query string itself."""
    text = text.strip()
    return QueryDict(text.partition("?")[2] if "?" in text else text)


def sheet_response(rows, file_format: str, name: str) -> HttpResponse:
    if file_format == "csv":
        response = StreamingHttpResponse(exporting.batched(exporting.csv_lines(rows)), content_type="text/csv")
    else:
        stream = io.BytesIO()
        exporting.write_xlsx(_capped(rows), stream)
        response = HttpResponse(stream.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


def _capped(rows):
    """The rows of an XLSX workbook, which is built in memory: larger exports are made as CSV."""
    for number, row in enumerate(rows):
        if number > exporting.XLSX_MAX_ROWS:
            limit = {"max": exporting.XLSX_MAX_ROWS}
            raise sheets.ExportError(_("More than %(max)d rows: export them as CSV, which has no limit.") % limit)
        yield row


def export_selected(model_admin, request: HttpRequest, queryset, file_format: str) -> HttpResponse:
    """The assessments list's action: the selected assessments (those the user may see) as a sheet."""
    try:
        return sheet_response(sheets.selected_rows(queryset, request.user), file_format, "assessments")
    except sheets.ExportError as exc:
        model_admin.message_user(request, str(exc), messages.ERROR)
        return None


# Import ------------------------------------------------------------------------------------------------------


def import_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _confirm_or_cancel(model_admin, request, uploads.load(request, request.POST["token"]))
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = _store(request, form.cleaned_data)
        try:
            result = _preview(upload, request)
        except ImportFileError as exc:
            uploads.discard(upload["token"])
            form.add_error("file", str(exc))
        else:
            return _render(model_admin, request, upload=upload, result=result)
    return _render(model_admin, request, form=form, status=400 if form.errors else 200)


def _store(request: HttpRequest, data: dict) -> dict:
    return uploads.store(request, data["file"], organisation=data["organisation"].pk)


def _preview(upload: dict, request: HttpRequest) -> sheets.SheetResult:
    result = _run(upload, request, dry_run=True, max_rows=settings.IMPORT_ADMIN_MAX_ROWS)
    upload["counts"] = result.counts()
    uploads.save(upload)
    return result


def _run(upload: dict, request: HttpRequest, **options) -> sheets.SheetResult:
    organisation = permissions.organisation_choices(request.user).filter(pk=upload["organisation"]).first()
    if organisation is None:  # the user's membership ended since the upload
        raise PermissionDenied
    with uploads.upload_path(upload["token"]).open("rb") as file:
        return sheets.import_assessments(file=file, organisation=organisation, user=request.user, **options)


def _confirm_or_cancel(model_admin, request: HttpRequest, upload: dict) -> HttpResponse:
    changelist = reverse("admin:recommendations_implementationassessment_changelist")
    if "cancel" in request.POST:
        uploads.discard(upload["token"])
        messages.info(request, _("Import cancelled: nothing was written."))
        return HttpResponseRedirect(changelist)
    skip_invalid = request.POST.get("skip_invalid") == "on"
    try:
        with transaction.atomic():
            result = _run(upload, request, skip_invalid=skip_invalid)
            if result.counts() != upload["counts"]:
                transaction.set_rollback(True)
    except ImportFileError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("admin:recommendations_implementationassessment_import"))
    if result.counts() != upload["counts"]:
        messages.warning(request, _("The data changed since the preview: nothing was written. Here is a new preview."))
        return _render(model_admin, request, upload=upload, result=_preview(upload, request))
    if not result.written:
        messages.error(request, _("The file has invalid rows: nothing was written."))
        return _render(model_admin, request, upload=upload, result=result)
    uploads.discard(upload["token"])
    summary = {"name": upload["name"], "summary": result.summary()}
    messages.success(request, _("Imported %(name)s: %(summary)s.") % summary)
    return HttpResponseRedirect(changelist)


def _context(model_admin, request: HttpRequest, title: str) -> dict:
    return {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "title": title}


def _render(model_admin, request: HttpRequest, *, form=None, upload=None, result=None, status=200) -> TemplateResponse:
    context = {
        **_context(model_admin, request, _("Import assessments")),
        "form": form,
        "upload": upload,
        "result": result,
        "problems": result.problems[:PREVIEW_PROBLEMS] if result else [],
        "changes": result.changes[:PREVIEW_CHANGES] if result else [],
        "max_rows": settings.IMPORT_ADMIN_MAX_ROWS,
        "max_mb": settings.UPLOAD_MAX_MB,
    }
    template = "admin/recommendations/implementationassessment/import.html"
    return TemplateResponse(request, template, context, status=status)
