"""The public form through which partners without an editor account (an NHRI, a local NGO) submit an assessment.

Abuse-resistant by construction: CSRF-protected, bounded field sizes, a
honeypot field bots fill in, a per-address rate limit, and nothing is shown
publicly: the assessment is stored as `submitted` for a reviewer to accept or
reject in the moderation queue. Its evidence is always a new source held by no
organisation (never an existing one matched by URL, which would let the sender
read another organisation's source through their own submission); publishing the
submission gives it to the organisation (services.adopt_submitted_evidence).
"""

from django import forms
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core.client import client_ip
from recommendations import permissions, services
from recommendations.models import (
    EvidenceSource,
    ImplementationAssessment,
    ImplementationStatus,
    Organisation,
    Publication,
    Recommendation,
)
from recommendations.models.implementation import not_after_today

SUBMISSIONS_PER_HOUR = 10


class SubmissionForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=permissions.public(Organisation.objects.all()),
        label=_("Organisation"),
        help_text=_("The organisation whose reviewers should consider it."),
    )
    status = forms.ChoiceField(choices=ImplementationStatus.choices, label=_("Implementation status"))
    assessed_on = forms.DateField(
        label=_("Date the assessment describes"),
        help_text=_("YYYY-MM-DD, today or earlier"),
        validators=[not_after_today],
    )
    narrative = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 6}), label=_("What happened"))
    evidence_title = forms.CharField(max_length=500, label=_("Evidence: title"))
    evidence_url = forms.URLField(max_length=1000, label=_("Evidence: link"), assume_scheme="https")
    evidence_publisher = forms.CharField(max_length=300, required=False, label=_("Evidence: publisher"))
    name = forms.CharField(max_length=120, label=_("Your name"))
    contact = forms.EmailField(max_length=150, label=_("Your e-mail"))
    your_organisation = forms.CharField(max_length=150, required=False, label=_("Your organisation"))
    # The honeypot: hidden from people by CSS, filled in by bots.
    website = forms.CharField(
        required=False, label=_("Leave this empty"), widget=forms.TextInput(attrs={"tabindex": -1})
    )

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This field must stay empty."))
        return ""


def _rate_limited(request: HttpRequest) -> bool:
    key = f"submission:{client_ip(request)}"
    cache.add(key, 0, timeout=3600)
    return cache.incr(key) > SUBMISSIONS_PER_HOUR


@require_http_methods(["GET", "HEAD", "POST"])
def submit_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation.objects.select_related("review__state", "review__session"), pk=pk)
    form = SubmissionForm(request.POST or None)
    context = {"recommendation": recommendation, "form": form}
    if request.method != "POST":
        return render(request, "recommendations/submit_assessment.html", context)
    if _rate_limited(request):
        return render(request, "recommendations/submit_assessment.html", {**context, "limited": True}, status=429)
    if not form.is_valid():
        return render(request, "recommendations/submit_assessment.html", context, status=400)
    _store(recommendation, form.cleaned_data, request.user)
    return render(request, "recommendations/submit_assessment.html", {**context, "done": True})


@transaction.atomic
def _store(recommendation, data: dict, user) -> ImplementationAssessment:
    evidence = EvidenceSource(
        url=data["evidence_url"], title=data["evidence_title"], publisher=data["evidence_publisher"]
    )
    services.save_evidence_source(evidence=evidence, user=user if user.is_authenticated else None)
    submitter = f"{data['name']} <{data['contact']}>" + (
        f", {data['your_organisation']}" if data["your_organisation"] else ""
    )
    return services.record_assessment(
        recommendation=recommendation,
        status=data["status"],
        assessed_on=data["assessed_on"],
        organisation=data["organisation"],
        narrative=data["narrative"],
        recorded_by=user if user.is_authenticated else None,
        state=Publication.SUBMITTED,
        submitter=submitter[:300],
        citations=[(evidence, "", "")],
    )
