"""A reviewer's page for an assessment awaiting review: beside the organisation's previous published assessment of
the same recommendation (what changed: status, date, narrative, citations), with Publish and Send back with a
comment. Only the organisation's reviewers (permissions.can_publish) open it; writes go through the services."""

import difflib
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from recommendations import permissions, services
from recommendations.models import ImplementationAssessment, Publication, ReviewComment

WORDS = re.compile(r"\s+|[^\s]+")


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment for the editors"),
        required=False,
        max_length=ReviewComment._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Needed to send it back: say what to change. The editors see it in their workspace."),
    )
    opened_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


def comments_of(assessment: ImplementationAssessment) -> list[ReviewComment]:
    """The reviewers' comments on an assessment, newest first."""
    return list(assessment.review_comments.select_related("author"))


def previous_published(assessment: ImplementationAssessment) -> ImplementationAssessment | None:
    """What the assessment would replace publicly: the assessment a proposed change revises, else the
    organisation's latest published assessment of the recommendation."""
    if assessment.revision_of_id:
        return _with_citations().get(pk=assessment.revision_of_id)
    published = _with_citations().filter(
        organisation_id=assessment.organisation_id,
        recommendation_id=assessment.recommendation_id,
        state=Publication.PUBLISHED,
    )
    return published.exclude(pk=assessment.pk).order_by("-assessed_on", "-id").first()


def _with_citations():
    return ImplementationAssessment.objects.select_related("organisation").prefetch_related("citations__evidence")


def narrative_changes(before: str, after: str) -> list[tuple[str, str]]:
    """The narrative as (kind, text) pieces, kind "same", "added" or "removed", word by word."""
    old, new = WORDS.findall(before), WORDS.findall(after)
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("added", "".join(new[j1:j2])))
    return pieces


def _citations(assessment) -> dict[int, object]:
    return {c.evidence_id: c for c in assessment.citations.all()} if assessment else {}


def changes(assessment, previous) -> dict:
    """What differs between the previous published assessment and this one; citations compared by source (a
    changed page or excerpt is a change of the citation, not a new one)."""
    now, before = _citations(assessment), _citations(previous)
    same = [pk for pk in now if pk in before]
    return {
        "status": previous is None or previous.status != assessment.status,
        "assessed_on": previous is None or previous.assessed_on != assessment.assessed_on,
        "narrative": narrative_changes(previous.narrative if previous else "", assessment.narrative),
        "added": [now[pk] for pk in now if pk not in before],
        "removed": [before[pk] for pk in before if pk not in now],
        "changed": [(now[pk], before[pk]) for pk in same if _quoted(now[pk]) != _quoted(before[pk])],
        "kept": [now[pk] for pk in same if _quoted(now[pk]) == _quoted(before[pk])],
    }


def _quoted(citation) -> tuple[str, str]:
    return citation.page, citation.excerpt


@login_required(login_url=reverse_lazy("admin:login"))
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assessments = permissions.visible(_with_citations().select_related("recommendation__review__state"), request.user)
    assessment = get_object_or_404(assessments, pk=pk)
    if not permissions.can_publish(request.user, assessment) or assessment.state == Publication.PUBLISHED:
        raise PermissionDenied
    form, status = ReviewForm(initial={"opened_version": assessment.version}), 200
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid() and _decide(request, form, assessment):
            return redirect("recommendations:workspace")
        status = 409 if form.has_error("__all__", "conflict") else 400
    previous = previous_published(assessment)
    context = {
        "assessment": assessment,
        "recommendation": assessment.recommendation,
        "previous": previous,
        "changes": changes(assessment, previous),
        "comments": comments_of(assessment),
        "form": form,
        "may_publish": permissions.can_move(request.user, assessment, Publication.PUBLISHED),
        "may_send_back": permissions.can_send_back(request.user, assessment),
    }
    return render(request, "recommendations/review.html", context, status=status)


def _decide(request, form: ReviewForm, assessment: ImplementationAssessment) -> bool:
    action, data, user = request.POST.get("action"), form.cleaned_data, request.user
    try:
        if action == "publish" and permissions.can_move(user, assessment, Publication.PUBLISHED):
            expected = data["opened_version"]
            services.update_assessment(
                assessment=assessment, state=Publication.PUBLISHED, user=user, expected_version=expected
            )
            messages.success(request, _("Published: it is public now."))
        elif action == "send_back" and permissions.can_send_back(user, assessment):
            services.send_back(
                assessment=assessment, comment=data["comment"], user=user, expected_version=data["opened_version"]
            )
            messages.success(
                request,
                _("Sent back: the editors of %(organisation)s see it as a draft with your comment.")
                % {"organisation": assessment.organisation.name},
            )
        else:
            raise PermissionDenied
    except services.EditConflict:
        message = _("Someone changed this assessment after you opened it: reload the page to review their version.")
        form.add_error(None, ValidationError(message, code="conflict"))
        return False
    except ValidationError as error:
        form.add_error("comment" if hasattr(error, "error_dict") else None, ValidationError(error.messages))
        return False
    return True
