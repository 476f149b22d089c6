"""One screen to assess a recommendation: status, date, narrative and evidence (found or new), saved as a draft,
submitted for review or, by the organisation's reviewers, published.

Every write goes through recommendations/services and every decision through the policy (may_write_for,
initial_publication_state, may_move/can_move). The evidence search answers with a fragment of the same form
(htmx); without JavaScript the "Find" button does the same by reloading the page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from recommendations import permissions, services
from recommendations.models import (
    ImplementationAssessment,
    Organisation,
    Publication,
    Recommendation,
)
from recommendations.site.assess_form import TARGETS, AssessForm
from recommendations.site.reviews import comments_of

signed_in_editor = login_required(login_url=reverse_lazy("admin:login"))
MESSAGES = {
    Publication.DRAFT: gettext_lazy("Saved as a draft: only members of %(organisation)s see it."),
    Publication.SUBMITTED: gettext_lazy("Submitted: reviewers of %(organisation)s will see it in their workspace."),
    Publication.PUBLISHED: gettext_lazy("Published: it is public now."),
}


def _recommendations():
    return Recommendation.objects.select_related("review__state", "review__session")


@signed_in_editor
@require_http_methods(["GET", "HEAD", "POST"])
def assess_new(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.is_editor(request.user):
        raise PermissionDenied
    return _assess(request, get_object_or_404(_recommendations(), pk=pk), None)


@signed_in_editor
@require_http_methods(["GET", "HEAD", "POST"])
def assess_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An unpublished assessment of the user's organisation (a published one is changed in the admin, where the
    change becomes a proposal)."""
    assessments = permissions.visible(ImplementationAssessment.objects.select_related("organisation"), request.user)
    assessment = get_object_or_404(assessments, pk=pk)
    if not permissions.can_change(request.user, assessment):
        raise PermissionDenied
    if assessment.state == Publication.PUBLISHED:
        return redirect(assessment.get_absolute_url())
    return _assess(request, get_object_or_404(_recommendations(), pk=assessment.recommendation_id), assessment)


def may_save(user, organisation_id: int | None, assessment: ImplementationAssessment | None, target: str) -> bool:
    if assessment is not None:
        return permissions.can_change(user, assessment) and permissions.can_move(user, assessment, target)
    if organisation_id is None or not permissions.may_write_for(user, organisation_id):
        return False
    start = permissions.initial_publication_state(user, organisation_id)
    return permissions.may_move(user, organisation_id, start, target)


def _buttons(user, form: AssessForm) -> list[str]:
    if form.organisation_id is None:  # several organisations and none chosen yet: the server checks on saving
        reviewer = permissions.is_staff_admin(user) or permissions.organisations_for(user, permissions.REVIEWER)
        return [name for name in TARGETS if name != "publish" or reviewer]
    return [name for name, target in TARGETS.items() if may_save(user, form.organisation_id, form.assessment, target)]


def _initial(assessment: ImplementationAssessment | None) -> dict:
    if assessment is None:
        return {"assessed_on": timezone.localdate()}
    fields = ("status", "assessed_on", "narrative")
    return {name: getattr(assessment, name) for name in fields} | {
        "organisation": assessment.organisation_id,
        "opened_version": assessment.version,
    }


def _assess(request: HttpRequest, recommendation: Recommendation, assessment) -> HttpResponse:
    form = AssessForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
        assessment=assessment,
        initial=_initial(assessment),
    )
    action, status = request.POST.get("action", ""), 200
    if request.method == "POST" and action != "find":
        if action not in TARGETS:
            return HttpResponse(_("Choose Save draft, Submit for review or Publish."), status=400)
        if form.is_valid():
            if not may_save(request.user, form.organisation_id, assessment, TARGETS[action]):
                raise PermissionDenied
            saved = _save_or_explain(request, form, recommendation, assessment, TARGETS[action])
            if saved is not None:
                return redirect("recommendations:workspace")
        status = 409 if form.has_error("__all__", "conflict") else 400
    context = {
        "recommendation": recommendation,
        "assessment": assessment,
        "form": form,
        "show_errors": request.method == "POST" and action != "find",
        "choices": form.choices(request.POST.get("q", "").strip()[:200]),
        "query": request.POST.get("q", "").strip()[:200],
        "buttons": _buttons(request.user, form),
        "comments": comments_of(assessment) if assessment is not None else [],
    }
    return render(request, "recommendations/assess.html", context, status=status)


def _save_or_explain(request, form: AssessForm, recommendation, assessment, target: str):
    try:
        saved, reused = _save(request.user, form, recommendation, assessment, target)
    except services.EditConflict:
        message = _("A colleague saved this assessment after you opened it. Reload the page to see their version.")
        form.add_error(None, ValidationError(message, code="conflict"))
        return None
    except ValidationError as error:
        form.add_error(None, ValidationError(error.messages))
        return None
    text = str(MESSAGES[saved.state]) % {"organisation": saved.organisation.name}
    if reused is not None:
        text += " " + _("The link you gave was already known: the assessment cites “%(title)s”.") % {
            "title": reused.title
        }
    messages.success(request, text)
    return saved


@transaction.atomic
def _save(user, form: AssessForm, recommendation, assessment, target: str):
    """Saves the assessment and its citations; returns it and the known source a new source's link turned into."""
    data, citations, reused = form.cleaned_data, form.cited(), None
    if data["new_title"] or form.known is not None:
        source, created = services.evidence_for_citation(
            organisation_id=form.organisation_id,
            title=data["new_title"],
            url=data["new_url"],
            publisher=data["new_publisher"],
            document=data["new_document"],
            user=user,
        )
        reused = None if created else source
        if source.pk not in {cited.pk for cited, _excerpt, _page in citations}:
            citations.append((source, data["new_excerpt"], data["new_page"]))
    fields = {name: data[name] for name in ("status", "assessed_on", "narrative")}
    if assessment is not None:
        expected = data["opened_version"]
        saved = services.update_assessment(
            assessment=assessment, citations=citations, expected_version=expected, user=user, state=target, **fields
        )
        return saved, reused
    organisation = Organisation.objects.get(pk=form.organisation_id)
    saved = services.record_assessment(
        recommendation=recommendation,
        organisation=organisation,
        assessor_kind=organisation.kind,
        recorded_by=user,
        citations=citations,
        state=target,
        **fields,
    )
    return saved, reused


@signed_in_editor
@require_safe
def evidence_search(request: HttpRequest) -> HttpResponse:
    """The sources of the chosen organisation's library matching `q` (with those already ticked), or, with `url`,
    the source that link already is."""
    if not permissions.is_editor(request.user):
        raise PermissionDenied
    form = AssessForm(request.GET, user=request.user)
    if form.organisation_id is None:
        return HttpResponse(_("Choose one of your organisations first."), status=400)
    url = request.GET.get("new_url", "").strip()
    if "new_url" in request.GET:
        known = services.known_evidence(organisation_id=form.organisation_id, url=url[:1000]) if url else None
        return render(request, "recommendations/_evidence_known.html", {"known": known})
    query = request.GET.get("q", "").strip()[:200]
    context = {"choices": form.choices(query), "query": query}
    return render(request, "recommendations/_evidence_choices.html", context)
