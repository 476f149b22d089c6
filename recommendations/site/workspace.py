"""An organisation's workspace, the editors' starting point: my drafts to finish, what awaits review (with a count
for its reviewers), what reviewers sent back and why, colleagues' recent activity (from history), and the
follow-up list (followup/due.py) of followed recommendations it has not assessed lately. Its reviewers choose what
the organisation follows on the "following" page.

Everything is read for one of the user's organisations (permissions.organisation_choices), through the policy.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from core.localized import sort_key
from recommendations import permissions, services
from recommendations.followup import due
from recommendations.models import ImplementationAssessment, Organisation, Publication, ReviewComment, Theme
from states.models import State

signed_in = login_required(login_url=reverse_lazy("admin:login"))
SHOWN = 100  # rows of each list; the counts say when there are more
ACTIVITY = 15
MONTHS = range(1, 121)


def _organisation(request: HttpRequest) -> tuple[Organisation, list[Organisation]]:
    """The organisation asked for (?organisation=slug; a 404 when it is not one of the user's), else the user's
    first; PermissionDenied when the user edits for none."""
    if not permissions.is_editor(request.user):
        raise PermissionDenied
    choices = list(permissions.organisation_choices(request.user).order_by("name"))
    if not choices:
        raise PermissionDenied
    wanted = request.GET.get("organisation")
    if wanted is None:
        return choices[0], choices
    chosen = next((o for o in choices if o.slug == wanted), None)
    if chosen is None:  # not one of theirs: never another organisation in its place
        raise Http404
    return chosen, choices


def _months(request: HttpRequest) -> int:
    raw = request.GET.get("months", "")
    return int(raw) if raw.isdigit() and int(raw) in MONTHS else due.DEFAULT_MONTHS


def _assessments(user, organisation: Organisation):
    comments = ReviewComment.objects.filter(assessment=OuterRef("pk"))
    latest = comments.select_related("author")
    return (
        permissions.visible(ImplementationAssessment.objects.filter(organisation=organisation), user)
        .select_related("recommendation__review__state", "recommendation__review__session", "recorded_by")
        .annotate(
            sent_back=Exists(comments),
            comment=Subquery(latest.values("text")[:1]),
            comment_by=Subquery(latest.values("author__username")[:1]),
        )
    )


def workspace_lists(user, organisation: Organisation) -> dict:
    assessments = _assessments(user, organisation)
    drafts = assessments.filter(state=Publication.DRAFT)
    submitted = assessments.filter(state=Publication.SUBMITTED).order_by("updated_at", "pk")
    history = ImplementationAssessment.history.filter(organisation_id=organisation.pk).exclude(history_user_id=user.pk)
    return {
        "my_drafts": list(drafts.filter(recorded_by=user, sent_back=False).order_by("-updated_at", "-pk")[:SHOWN]),
        "sent_back": list(drafts.filter(sent_back=True).order_by("-updated_at", "-pk")[:SHOWN]),
        "submitted": list(submitted[:SHOWN]),
        "submitted_count": submitted.count(),
        "is_reviewer": permissions.can_edit_follows(user, organisation.pk),
        "activity": list(
            history.select_related("history_user", "recommendation__review__state").order_by("-history_date")[:ACTIVITY]
        ),
    }


@signed_in
@require_safe
def workspace(request: HttpRequest) -> HttpResponse:
    organisation, choices = _organisation(request)
    months = _months(request)
    context = {
        "organisation": organisation,
        "others": [o for o in choices if o != organisation],
        "due": due.due(organisation, months=months),
        "followed_states": sorted(organisation.followed_states.all(), key=_by_name),
        "followed_themes": sorted(organisation.followed_themes.select_related("scheme"), key=_by_name),
        **workspace_lists(request.user, organisation),
    }
    return render(request, "recommendations/workspace.html", context)


def _by_name(row: State | Theme) -> str:
    return sort_key(row.localized_name)


class _Sorted(forms.models.ModelChoiceIterator):
    """The choices sorted by their labels in the reader's language (a few hundred rows: sorted in Python)."""

    def __iter__(self):
        rows = [(self.field.label_from_instance(row), row) for row in self.queryset]
        for _label, row in sorted(rows, key=lambda pair: (self.field.group_of(pair[1]), sort_key(pair[0]))):
            yield self.choice(row)


class LocalizedChoiceField(forms.ModelMultipleChoiceField):
    """Reference rows offered by their names in the reader's language, sorted by them (within `group_of`)."""

    iterator = _Sorted

    def label_from_instance(self, obj: State | Theme) -> str:
        return getattr(obj, "localized_label", None) or obj.localized_name

    def group_of(self, obj: State | Theme) -> str:
        scheme = getattr(obj, "scheme", None)
        return sort_key(scheme.localized_name) if scheme else ""


class FollowingForm(forms.Form):
    states = LocalizedChoiceField(
        label=gettext_lazy("States"),
        queryset=State.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=gettext_lazy("Hold Ctrl (or Shift) to choose several; arrow keys move, Space chooses."),
    )
    themes = LocalizedChoiceField(
        label=gettext_lazy("Themes"),
        queryset=Theme.objects.select_related("scheme"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=gettext_lazy("With States chosen too, only their recommendations on these themes are listed."),
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def following(request: HttpRequest) -> HttpResponse:
    organisation, _choices = _organisation(request)
    if not permissions.can_edit_follows(request.user, organisation.pk):
        raise PermissionDenied
    initial = {"states": organisation.followed_states.all(), "themes": organisation.followed_themes.all()}
    form, status = FollowingForm(initial=initial), 200
    if request.method == "POST":
        form = FollowingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.set_followed(
                organisation=organisation, states=data["states"], themes=data["themes"], user=request.user
            )
            messages.success(request, _("Saved: the follow-up list watches these States and themes."))
            query = urlencode({"organisation": organisation.slug})
            return redirect(f"{reverse('recommendations:workspace')}?{query}#follow-up")
        status = 400
    context = {"organisation": organisation, "form": form}
    return render(request, "recommendations/following.html", context, status=status)
