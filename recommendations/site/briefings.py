"""A State's briefing: the page, the PDF and the form where an organisation writes its introduction and conclusion.

The data is computed by recommendations/briefings/ on every request; the query string
(`theme`, `affected_group`, `cycle`, `by`) is the same for the three views.

A PDF takes seconds of a worker thread to lay out, so it is bounded three ways:

- anonymous readers share renders: one is kept in the cache under the data version
  (core/counts.py), the State and the normalised query, until a write commits or
  RESPONSE_CACHE_SECONDS pass. Renders for signed-in users are never shared (see _shared_pdf_key);
- anonymous clients are held to BRIEFING_PDF_ANON_RATE per address (throttled() in states/urls.py,
  counting every request, as the other throttled views do);
- each process renders at most BRIEFING_PDF_CONCURRENCY at once; a request finding every slot taken
  gets a 503 with Retry-After at once instead of waiting for one, so the other threads stay free.
"""

import functools
import hashlib
import threading

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core import counts
from core import errors as error_pages
from recommendations import briefings, permissions
from recommendations.models import Briefing, Organisation
from states.models import State

TEMPLATE = "states/briefing.html"
# What a client is asked to wait when every PDF render slot is taken: about one render.
BUSY_RETRY_AFTER_SECONDS = 5


def _bad_filters(request: HttpRequest, state: State, errors: list) -> HttpResponse:
    """The site's 400 answer to a bad query string: the page, naming each bad parameter."""
    return render(request, TEMPLATE, {"state": state, "errors": errors, "params": request.GET}, status=400)


def _context(request: HttpRequest, state: State, filters: briefings.Filters, *, for_pdf: bool = False) -> dict:
    data = briefings.build_briefing(state=state, user=request.user, by=filters.by, **filters.data)
    context = {
        "state": state,
        "briefing": data,
        "for_pdf": for_pdf,
        "pdf_url": reverse("states:briefing-pdf", args=[state.iso3]) + filters.query(),
    }
    if not for_pdf:
        context["choices"] = briefings.filter_choices(state, filters)
        context["filters"] = filters
    if permissions.is_editor(request.user):
        may_edit_by = filters.by is not None and permissions.may_write_for(request.user, filters.by.pk)
        context["edit_url"] = reverse("states:briefing-edit", args=[state.iso3]) + filters.query(by=may_edit_by)
    return context


@require_safe
def briefing_page(request: HttpRequest, iso3: str) -> HttpResponse:
    state = get_object_or_404(State, iso3=iso3)
    filters, errors = briefings.parse_filters(request.GET)
    if errors:
        return _bad_filters(request, state, errors)
    return render(request, TEMPLATE, _context(request, state, filters))


@require_safe
def briefing_pdf(request: HttpRequest, iso3: str) -> HttpResponse:
    state = get_object_or_404(State, iso3=iso3)
    filters, errors = briefings.parse_filters(request.GET)
    if errors:
        return _bad_filters(request, state, errors)
    try:
        from recommendations.briefings.pdf import render_pdf
    except OSError:  # WeasyPrint could not load Pango
        return render(request, TEMPLATE, {"state": state, "pdf_unavailable": True}, status=503)
    pdf = _shared_pdf(request, state, filters, render_pdf)
    if pdf is None:
        return error_pages.unavailable(
            request,
            heading=_("Busy making PDF files"),
            message=_(
                "Too many PDF files are being made right now: please try again in a few seconds. The briefing "
                "page itself works, and your browser can print it or save it as PDF."
            ),
            retry_after=BUSY_RETRY_AFTER_SECONDS,
        )
    name = pdf_file_name(state, filters)
    return HttpResponse(
        pdf, content_type="application/pdf", headers={"Content-Disposition": content_disposition_header(True, name)}
    )


def pdf_file_name(state: State, filters: briefings.Filters) -> str:
    """E.g. "UPR-briefing-KAZ-human-rights-defenders-cycle-1.pdf"; in another language than English, its own
    word for it and the language's code ("…-cycle-1-fr.pdf"), so that the copies of one briefing differ."""
    language = briefings.page_language()
    # Translators: the start of a briefing PDF's file name: no spaces or slashes.
    words = pgettext("PDF file name", "UPR-briefing").replace("/", "-").replace(" ", "-")
    parts = [words, state.iso3, filters.slug(), "" if language == briefings.FALLBACK_LANGUAGE else language]
    return "-".join(part for part in parts if part) + ".pdf"


def _shared_pdf(request: HttpRequest, state: State, filters: briefings.Filters, render_pdf) -> bytes | None:
    """The PDF stored for anonymous readers under the current data version, else one rendered in a free slot
    (and stored when it may be shared); None when every slot is taken. A stored PDF takes no slot."""
    key = _shared_pdf_key(request, state, filters)
    pdf = cache.get(key) if key else None
    if pdf is None:
        pdf = _render_in_slot(request, state, filters, render_pdf)
        if key and pdf is not None and len(pdf) <= settings.RESPONSE_CACHE_MAX_BYTES:
            cache.set(key, pdf, timeout=settings.RESPONSE_CACHE_SECONDS)
    return pdf


def _shared_pdf_key(request: HttpRequest, state: State, filters: briefings.Filters) -> str | None:
    """The cache key of a render every anonymous reader may share, or None for one that may not be shared.

    Renders for signed-in users are never shared, whatever their organisations: members see their
    organisations' drafts, staff administrators everything, and anyone the assessments they recorded.
    The version is read before rendering, so a write committing meanwhile is never stored under its own.
    """
    if request.user.is_authenticated or not settings.RESPONSE_CACHE_SECONDS:
        return None
    version = counts.data_version()
    if not version.cacheable:  # inside a transaction that wrote
        return None
    parts = (version.key(), state.iso3, filters.query(), get_language() or "", request.build_absolute_uri("/"))
    return "upr:briefing-pdf:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()


@functools.cache
def render_slots(size: int) -> threading.BoundedSemaphore:
    """This process's PDF render slots: BRIEFING_PDF_CONCURRENCY of them (one semaphore per value of it)."""
    return threading.BoundedSemaphore(size)


def _render_in_slot(request: HttpRequest, state: State, filters: briefings.Filters, render_pdf) -> bytes | None:
    """The PDF, laid out while holding a render slot; None at once, without waiting, when none is free."""
    slots = render_slots(settings.BRIEFING_PDF_CONCURRENCY)
    if not slots.acquire(blocking=False):
        return None
    try:
        html = render_to_string(TEMPLATE, _context(request, state, filters, for_pdf=True), request=request)
        return render_pdf(html, base_url=request.build_absolute_uri("/"))
    finally:
        slots.release()


class _BriefingTextsForm(forms.Form):
    """The texts in each language (briefings.text_fields), whether they are published, and the version opened."""

    published = forms.BooleanField(
        label=gettext_lazy("Published"),
        required=False,
        help_text=gettext_lazy("Unpublished texts are shown only to your organisation’s members, marked as a draft."),
    )
    # The stored texts' version as the form was opened (empty when there were none).
    opened_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def language_sections(self) -> list:
        return briefings.language_sections(self)

    def texts(self) -> dict[str, dict[str, str]]:
        return briefings.texts_from(self.cleaned_data)


BriefingTextsForm = type(
    "BriefingTextsForm", (_BriefingTextsForm,), {"__module__": __name__, **briefings.text_fields()}
)


def _organisation_to_edit(user, by: Organisation | None) -> Organisation:
    """`by` when the user writes for it, else the first of the user's organisations; PermissionDenied otherwise."""
    if by is not None:
        if not permissions.may_write_for(user, by.pk):
            raise PermissionDenied
        return by
    organisation = permissions.organisation_choices(user).order_by("name").first()
    if organisation is None:
        raise PermissionDenied
    return organisation


@login_required(login_url=reverse_lazy("admin:login"))
@require_http_methods(["GET", "HEAD", "POST"])
def briefing_edit(request: HttpRequest, iso3: str) -> HttpResponse:
    state = get_object_or_404(State, iso3=iso3)
    filters, errors = briefings.parse_filters(request.GET)
    if errors:
        return _bad_filters(request, state, errors)
    if not permissions.is_editor(request.user):
        raise PermissionDenied
    organisation = _organisation_to_edit(request.user, filters.by)
    current = Briefing.objects.filter(organisation=organisation, state=state, **filters.data).first()
    form, status = BriefingTextsForm(initial=_initial(current)), 200
    if request.method == "POST":
        form = BriefingTextsForm(request.POST)
        if form.is_valid() and _save(request, form, organisation=organisation, state=state, filters=filters):
            messages.success(request, _("The introduction and conclusion were saved."))
            page = reverse("states:briefing", args=[state.iso3]) + filters.query(by=organisation)
            return redirect(page)
        status = 409 if form.has_error("__all__", "conflict") else 400
    context = {
        "state": state,
        "filters": filters,
        "organisation": organisation,
        "others": [
            (other, reverse("states:briefing-edit", args=[state.iso3]) + filters.query(by=other))
            for other in permissions.organisation_choices(request.user).exclude(pk=organisation.pk).order_by("name")
        ],
        "form": form,
        "page_url": reverse("states:briefing", args=[state.iso3]) + filters.query(by=organisation),
    }
    return render(request, "states/briefing_edit.html", context, status=status)


def _initial(current: Briefing | None) -> dict:
    if current is None:
        return {"opened_version": None}
    return briefings.initial_texts(current.texts) | {"published": current.published, "opened_version": current.version}


def _save(request, form: BriefingTextsForm, *, organisation, state, filters) -> bool:
    data = form.cleaned_data
    try:
        briefings.write_briefing(
            organisation=organisation,
            state=state,
            user=request.user,
            expected_version=data["opened_version"],
            texts=form.texts(),
            published=data["published"],
            **filters.data,
        )
    except briefings.EditConflict as conflict:
        who = conflict.current.updated_by if conflict.current else None
        if who:
            message = _(
                "Someone else saved these texts after you opened this page (%(user)s). Your version is below: "
                "copy what you need, reload the page to see theirs, then save again."
            ) % {"user": who}
        else:
            message = _(
                "Someone else saved these texts after you opened this page. Your version is below: copy what "
                "you need, reload the page to see theirs, then save again."
            )
        form.add_error(None, ValidationError(message, code="conflict"))
        return False
    except ValidationError as error:  # the model's own checks; the form's limits make this rare
        form.add_error(None, ValidationError(error.messages))
        return False
    return True
