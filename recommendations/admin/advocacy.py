"""Admin for advocacy asks and the recommendations that take them up (see recommendations/advocacy.py).

Editors work on their organisations' asks only (staff administrators on
every one): the ask's page lists its matches with a Confirm / Dismiss choice
per row, and saving an ask recomputes its suggestions. Every decision goes
through advocacy.confirm_match / dismiss_match / confirm_recommendation.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from recommendations import advocacy, permissions
from recommendations.admin.base import OrganisationDataAdmin, PolicyInline, is_staff
from recommendations.models import AskMatch, ProposedRecommendation, SuggestionStatus

CONFIRMED, SUGGESTED, DISMISSED = SuggestionStatus.CONFIRMED, SuggestionStatus.SUGGESTED, SuggestionStatus.DISMISSED
CONFIRM, DISMISS = "confirm", "dismiss"
DECISIONS = {CONFIRM: advocacy.confirm_match, DISMISS: advocacy.dismiss_match}
STATUS_DECISIONS = {CONFIRMED: advocacy.confirm_match, DISMISSED: advocacy.dismiss_match}


def shorten(text: str, length: int = 120) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def editable_matches(queryset: QuerySet, user) -> QuerySet:
    """Matches of the asks the user may change (every match for staff administrators)."""
    return permissions.changeable(queryset, user)


class MatchColumns:
    """Columns describing a match's recommendation, shared by the inline and the changelist.

    The queryset selects the recommendation and prefetches its recommending States.
    """

    @admin.display(description=_("Recommendation"))
    def recommendation_text(self, match: AskMatch) -> str:
        url = reverse("recommendations:detail", args=[match.recommendation_id])
        return format_html('<a href="{}">{}</a>', url, shorten(match.recommendation.text))

    @admin.display(description=_("Recommending States"))
    def recommending_states(self, match: AskMatch) -> str:
        return ", ".join(state.name for state in match.recommendation.recommending_states.all()) or "—"

    @admin.display(description=_("Response"))
    def response(self, match: AskMatch) -> str:
        return match.recommendation.get_response_display() or "—"

    @admin.display(description=_("Implementation"))
    def implementation(self, match: AskMatch) -> str:
        return match.recommendation.get_current_status_display() or "—"

    @admin.display(description=_("Score"), ordering="score")
    def score_display(self, match: AskMatch) -> str:
        return f"{match.score:.2f}"


class MatchDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decide"),
        choices=[
            ("", "—"),
            (CONFIRM, pgettext_lazy("decision", "Confirm")),
            (DISMISS, pgettext_lazy("decision", "Dismiss")),
        ],
        required=False,
    )

    class Meta:
        model = AskMatch
        fields = []


class AskMatchInline(MatchColumns, PolicyInline, admin.TabularInline):
    """The ask's matches, confirmed first, then suggestions by rank; the only input is the decision."""

    model = AskMatch
    form = MatchDecisionForm
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("recommendations that may take up this ask")
    fields = [
        "recommendation_text",
        "recommending_states",
        "response",
        "implementation",
        "score_display",
        "rank",
        "status",
        "decision",
    ]
    readonly_fields = fields[:-1]

    def get_queryset(self, request) -> QuerySet:
        status_order = Case(
            When(status=CONFIRMED, then=Value(0)),
            When(status=SUGGESTED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return (
            super()
            .get_queryset(request)
            .select_related("recommendation")
            .prefetch_related("recommendation__recommending_states")
            .order_by(status_order, "rank", "pk")
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None or advocacy.can_change_proposal(request.user, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request)


@admin.register(ProposedRecommendation)
class ProposedRecommendationAdmin(OrganisationDataAdmin):
    list_display = ["short_text", "review", "organisation", "public", "confirmed_count", "suggested_count"]
    list_filter = [
        "public",
        ("organisation", admin.RelatedOnlyFieldListFilter),
        ("review__state", admin.RelatedOnlyFieldListFilter),
        "review__session__cycle",
    ]
    list_select_related = ["organisation", "review__state", "review__session"]
    search_fields = ["text"]
    autocomplete_fields = ["review", "themes", "lobbied_states"]
    fields = [
        "organisation",
        "review",
        "text",
        "themes",
        "lobbied_states",
        "public",
        "notes",
        ("created_by", "created_at", "updated_at"),
    ]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [AskMatchInline]
    actions = ["suggest_matches_now"]

    def view_on_site(self, obj: ProposedRecommendation) -> str:
        return reverse("recommendations:advocacy", args=[obj.organisation.slug])

    def get_queryset(self, request) -> QuerySet:
        asks = advocacy.editable_proposals(super().get_queryset(request), request.user)
        return asks.annotate(
            confirmed=Count("matches", filter=Q(matches__status=CONFIRMED)),
            suggested=Count("matches", filter=Q(matches__status=SUGGESTED)),
        )

    @admin.display(description=_("Ask"))
    def short_text(self, ask: ProposedRecommendation) -> str:
        return shorten(ask.text)

    @admin.display(description=_("Taken up by"), ordering="confirmed")
    def confirmed_count(self, ask: ProposedRecommendation) -> int:
        return ask.confirmed

    @admin.display(description=_("Suggestions to check"), ordering="suggested")
    def suggested_count(self, ask: ProposedRecommendation) -> int:
        return ask.suggested

    def save_model(self, request, obj, form, change):
        if not advocacy.can_change_proposal(request.user, obj):
            raise PermissionDenied
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not AskMatch:
            return super().save_formset(request, form, formset, change)
        # Django's change message reads these; the decisions are written by the services.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for entry in formset.forms:
            decision = entry.cleaned_data.get("decision") if entry.is_valid() else None
            if decision:
                DECISIONS[decision](match=entry.instance, user=request.user)
                formset.changed_objects.append((entry.instance, ["status"]))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the themes are saved: they count in the score. Decisions made above are kept.
        advocacy.suggest_matches(proposals=[form.instance])

    @admin.action(description=_("Suggest matches now for the selected asks"))
    def suggest_matches_now(self, request, queryset):
        asks = list(advocacy.editable_proposals(queryset, request.user).values_list("pk", flat=True))
        run = advocacy.run_suggestions(proposals=asks)
        # One sentence per count, each with its plural forms: "1 ask: 2 new suggestions, 0 removed; 2 to check."
        parts = {
            "asks": ngettext("%(count)s ask", "%(count)s asks", run.asks) % {"count": run.asks},
            "created": ngettext("%(count)s new suggestion", "%(count)s new suggestions", run.created)
            % {"count": run.created},
            "removed": ngettext("%(count)s removed", "%(count)s removed", run.removed) % {"count": run.removed},
            "open": ngettext("%(count)s suggestion to check", "%(count)s suggestions to check", run.open)
            % {"count": run.open},
        }
        message = gettext("%(asks)s: %(created)s, %(removed)s; %(open)s.") % parts
        self.message_user(request, message, messages.SUCCESS)


class MatchAddForm(forms.ModelForm):
    """Confirm a recommendation the app did not suggest (or one already listed) for an ask."""

    class Meta:
        model = AskMatch
        fields = ["proposal", "recommendation"]

    def clean(self) -> dict:
        cleaned = super().clean()
        proposal, recommendation = cleaned.get("proposal"), cleaned.get("recommendation")
        if proposal and recommendation and proposal.review_id != recommendation.review_id:
            raise ValidationError(gettext("Choose a recommendation of the ask's own review."), code="other_review")
        return cleaned

    def validate_unique(self) -> None:
        # An existing pair is confirmed as it is (advocacy.confirm_recommendation).
        pass


class MatchDecideForm(forms.ModelForm):
    class Meta:
        model = AskMatch
        fields = ["status"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = {CONFIRMED, DISMISSED, self.instance.status}
        self.fields["status"].choices = [(v, label) for v, label in SuggestionStatus.choices if v in allowed]


@admin.register(AskMatch)
class AskMatchAdmin(MatchColumns, OrganisationDataAdmin):
    list_display = [
        "proposal_text",
        "recommendation_text",
        "recommending_states",
        "response",
        "score_display",
        "rank",
        "status",
        "decided_by",
    ]
    list_filter = [
        "status",
        ("proposal__organisation", admin.RelatedOnlyFieldListFilter),
        ("proposal__review__state", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["proposal", "recommendation", "decided_by"]
    search_fields = ["proposal__text", "recommendation__text"]
    autocomplete_fields = ["proposal", "recommendation"]
    actions = ["confirm", "dismiss"]
    ordering = ["proposal", "rank", "pk"]

    def get_queryset(self, request) -> QuerySet:
        matches = super().get_queryset(request).prefetch_related("recommendation__recommending_states")
        return editable_matches(matches, request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MatchDecideForm if obj is not None else MatchAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["proposal", "recommendation"]
        return [
            "proposal",
            "recommendation_text",
            "recommending_states",
            "response",
            "implementation",
            ("score_display", "rank"),
            "status",
            ("decided_by", "decided_at"),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = ["proposal", "recommendation_text", "recommending_states", "response", "implementation"]
        return [*readonly, "score_display", "rank", "decided_by", "decided_at"]

    def related_choices(self, db_field, request, queryset=None):
        if db_field.name == "proposal":  # matches are added to asks the user may change
            return advocacy.editable_proposals(ProposedRecommendation.objects.all(), request.user)
        return super().related_choices(db_field, request, queryset)

    @admin.display(description=_("Ask"))
    def proposal_text(self, match: AskMatch) -> str:
        return shorten(match.proposal.text, 80)

    def has_delete_permission(self, request, obj=None) -> bool:
        # No bulk delete: the matcher removes stale suggestions, and a decision is kept so that
        # it is not suggested again. One match goes with its ask, or on purpose from its page.
        return obj is not None and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            if "status" in form.changed_data and obj.status in STATUS_DECISIONS:
                STATUS_DECISIONS[obj.status](match=obj, user=request.user)
            return
        saved = advocacy.confirm_recommendation(
            proposal=obj.proposal, recommendation=obj.recommendation, user=request.user
        )
        for field in AskMatch._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def _decide_selected(self, request, queryset, decide, done_message) -> None:
        """Decide each selected match the user may decide; `done_message` says how many were (ngettext_lazy)."""
        done = refused = 0
        with transaction.atomic():
            for match in queryset.select_related("proposal"):
                if not advocacy.can_decide(request.user, match):
                    refused += 1
                    continue
                decide(match=match, user=request.user)
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        if refused:
            message = ngettext(
                "%(count)s match was left as it was: you may not decide it.",
                "%(count)s matches were left as they were: you may not decide them.",
                refused,
            )
            self.message_user(request, message % {"count": refused}, messages.WARNING)

    @admin.action(description=_("Confirm: the recommendation takes up the ask"), permissions=["change"])
    def confirm(self, request, queryset):
        done = ngettext_lazy("Confirmed %(count)s match.", "Confirmed %(count)s matches.", "count")
        self._decide_selected(request, queryset, advocacy.confirm_match, done)

    @admin.action(description=_("Dismiss: the recommendation does not take up the ask"), permissions=["change"])
    def dismiss(self, request, queryset):
        done = ngettext_lazy("Dismissed %(count)s match.", "Dismissed %(count)s matches.", "count")
        self._decide_selected(request, queryset, advocacy.dismiss_match, done)
