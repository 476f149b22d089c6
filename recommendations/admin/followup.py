"""Admin for cross-cycle repeats: editors confirm or dismiss what suggest_repeats found, or link a repeat it missed.

Who: staff see the links; editors (members of an organisation) and staff
administrators decide, through followup.confirm_repeat / dismiss_repeat /
link_repeat, which check the rule again and record who decided in the history.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from recommendations import followup, permissions
from recommendations.admin.base import PolicyAdmin, PolicyInline, is_staff
from recommendations.models import Recommendation, RepeatLink, SuggestionStatus, ordinal

EXCERPT = 160
SIDE_RELATED = ["earlier__review__session", "later__review__session"]


def describe(recommendation: Recommendation, *, full: bool = False) -> str:
    """ "2010 7th session, #123 · 93.45" and the text (an excerpt in lists), linked to its admin page."""
    session = recommendation.review.session
    text = recommendation.text
    if not full and len(text) > EXCERPT:
        text = text[: EXCERPT - 1] + "…"
    where = gettext("%(session)s session, #%(id)s") % {"session": ordinal(session.number), "id": recommendation.pk}
    paragraph = f" · {recommendation.paragraph}" if recommendation.paragraph else ""
    return format_html(
        '<a href="{}"><strong>{}</strong></a> <span class="quiet">{}{}</span><br>{}',
        recommendation.get_absolute_url(),
        session.year,
        where,
        paragraph,
        text,
    )


def _may_decide(request) -> bool:
    return is_staff(request) and followup.may_decide(request.user)


class LinkRepeatForm(forms.ModelForm):
    """An editor links two recommendations the app did not pair: saved confirmed by followup.link_repeat."""

    class Meta:
        model = RepeatLink
        fields = ["earlier", "later"]

    def clean(self):
        data = super().clean()
        if data.get("earlier") and data.get("later"):
            followup.check_pair(data["earlier"].pk, data["later"].pk)
        return data


@admin.register(RepeatLink)
class RepeatLinkAdmin(PolicyAdmin):
    """The queue of suggested repeats, by State; Confirm and Dismiss are bulk actions."""

    list_display = ["state", "earlier_side", "later_side", "score_display", "shared_themes", "status"]
    list_display_links = ["state"]
    # Every State is listed: "related only" would scan all links joined to their recommendations per page.
    list_filter = ["status", "later__state_under_review"]
    ordering = ["-score", "id"]
    show_full_result_count = False  # one COUNT(*) of the queue per page is enough
    actions = ["confirm", "dismiss"]
    form = LinkRepeatForm
    autocomplete_fields = ["earlier", "later"]
    readonly_fields = [
        "earlier_full",
        "later_full",
        "score",
        "shared_themes",
        "status",
        "decided_by",
        "decided_at",
        "created_at",
    ]

    def get_fields(self, request, obj=None):
        return ["earlier", "later"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    @admin.display(description=_("State under review"), ordering="later__state_under_review__name")
    def state(self, link: RepeatLink) -> str:
        return link.later.state_under_review.name

    @admin.display(description=_("Earlier recommendation"))
    def earlier_side(self, link: RepeatLink) -> str:
        return describe(link.earlier)

    @admin.display(description=_("Later recommendation (the repeat)"))
    def later_side(self, link: RepeatLink) -> str:
        return describe(link.later)

    @admin.display(description=_("Earlier recommendation"))
    def earlier_full(self, link: RepeatLink) -> str:
        return describe(link.earlier, full=True)

    @admin.display(description=_("Later recommendation (the repeat)"))
    def later_full(self, link: RepeatLink) -> str:
        return describe(link.later, full=True)

    @admin.display(description=_("Score"), ordering="score")
    def score_display(self, link: RepeatLink) -> str:
        return f"{link.score:.2f}"

    def get_queryset(self, request) -> QuerySet:
        # Here rather than list_select_related, which the changelist ignores once the queryset has some.
        related = [*SIDE_RELATED, "later__state_under_review", "decided_by"]
        return super().get_queryset(request).select_related(*related)

    def has_module_permission(self, request) -> bool:
        return is_staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request)

    def has_add_permission(self, request) -> bool:
        return _may_decide(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # decisions go through the actions, so the service records them

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting a dismissed link lets the next run suggest the pair again: a staff administrator's call.
        return permissions.is_staff_admin(request.user)

    def has_decide_permission(self, request) -> bool:
        return _may_decide(request)

    def save_model(self, request, obj, form, change):
        obj.pk = followup.link_repeat(earlier=obj.earlier, later=obj.later, user=request.user).pk

    @admin.action(description=_("Confirm: the later recommendation repeats the earlier one"), permissions=["decide"])
    def confirm(self, request, queryset):
        done = ngettext_lazy("Confirmed %(count)s repeat link.", "Confirmed %(count)s repeat links.", "count")
        self._decide(request, queryset, followup.confirm_repeat, done)

    @admin.action(description=_("Dismiss: not a repeat (never suggested again)"), permissions=["decide"])
    def dismiss(self, request, queryset):
        done = ngettext_lazy("Dismissed %(count)s repeat link.", "Dismissed %(count)s repeat links.", "count")
        self._decide(request, queryset, followup.dismiss_repeat, done)

    def _decide(self, request, queryset, service, done_message) -> None:
        """Decide every selected link, or none; `done_message` says how many were (ngettext_lazy)."""
        try:
            with transaction.atomic():
                links = list(queryset.select_related(None))
                for link in links:
                    service(link=link, user=request.user)
        except ValidationError as error:
            message = gettext("Nothing was changed: %(errors)s") % {"errors": "; ".join(error.messages)}
            self.message_user(request, message, messages.ERROR)
            return
        self.message_user(request, done_message % {"count": len(links)}, messages.SUCCESS)


# On a recommendation's change page --------------------------------------------------------------


class DecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        choices=[
            ("", "—"),
            ("confirm", pgettext_lazy("decision", "Confirm")),
            ("dismiss", pgettext_lazy("decision", "Dismiss")),
        ],
        required=False,
        label=_("Decide"),
    )

    class Meta:
        model = RepeatLink
        fields = []


class DecisionFormSet(BaseInlineFormSet):
    """Saves each row's decision through the followup services, never the row's fields."""

    user = None

    def save(self, commit=True):
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        services = {"confirm": followup.confirm_repeat, "dismiss": followup.dismiss_repeat}
        for form in self.initial_forms:
            decision = form.cleaned_data.get("decision")
            if decision in services:
                link = services[decision](link=form.instance, user=self.user)
                self.changed_objects.append((link, ["status"]))
        return [link for link, _fields in self.changed_objects]


class RepeatInline(PolicyInline, admin.TabularInline):
    """Suggested and confirmed repeats of this recommendation (dismissed ones are in the Repeat links list)."""

    model = RepeatLink
    form = DecisionForm
    formset = DecisionFormSet
    extra = 0
    can_delete = False
    readonly_fields = ["other", "score_display", "shared_themes", "status"]
    other_side = ""  # "earlier" or "later": the recommendation shown in each row

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request).exclude(status=SuggestionStatus.DISMISSED)
        return queryset.select_related(f"{self.other_side}__review__session").order_by("-score", "id")

    def get_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        return [*fields, "decision"] if _may_decide(request) else fields

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        return formset

    @admin.display(description=_("Recommendation"))
    def other(self, link: RepeatLink) -> str:
        return describe(getattr(link, self.other_side))

    @admin.display(description=_("Score"))
    def score_display(self, link: RepeatLink) -> str:
        return f"{link.score:.2f}"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return _may_decide(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request)


class RepeatsEarlierInline(RepeatInline):
    fk_name = "later"
    other_side = "earlier"
    verbose_name = _("repeat of an earlier recommendation")
    verbose_name_plural = _("repeats of earlier recommendations (cross-cycle follow-up)")


class RepeatedLaterInline(RepeatInline):
    fk_name = "earlier"
    other_side = "later"
    verbose_name = _("later repeat")
    verbose_name_plural = _("repeated in later reviews (cross-cycle follow-up)")


# RecommendationAdmin.inlines adds these (recommendations/admin.py).
REPEAT_INLINES = [RepeatsEarlierInline, RepeatedLaterInline]
