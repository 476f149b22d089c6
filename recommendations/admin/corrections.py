"""Admin for proposed corrections of official data: editors propose (often from a recommendation's page, which
links here with the recommendation filled in), staff administrators accept or reject them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from recommendations import permissions, services
from recommendations.admin.base import PolicyAdmin, ReadOnlyInline, is_staff
from recommendations.admin.forms import with_user
from recommendations.models import CorrectionProposal, Recommendation

PROPOSAL_FIELDS = ["recommendation", "field", "proposed_value", "source", "comment", "organisation"]
SHOWN_FIELDS = [
    "recommendation",
    "field",
    "current_value",
    "value_now",
    "proposed_value",
    "source",
    "comment",
    "organisation",
    "proposed_by",
    "created_at",
    "state",
    "decided_by",
    "decided_at",
    "decision_note",
]
ACCEPT, ACCEPT_DESPITE_CHANGE, REJECT = "accept", "accept_despite_change", "reject"


class CorrectionProposalForm(forms.ModelForm):
    """A new proposal: the value must be one the field can hold, and differ from the current one."""

    user = None

    class Meta:
        model = CorrectionProposal
        fields = PROPOSAL_FIELDS

    def clean(self) -> dict:
        data = super().clean()
        recommendation, field = data.get("recommendation"), data.get("field")
        if recommendation is None or not field or "proposed_value" not in data:
            return data
        try:
            proposed = services.normalised_value(field, data["proposed_value"])
        except ValidationError as error:
            raise ValidationError(error.message_dict) from None
        if proposed == services.official_value(recommendation, field):
            self.add_error("proposed_value", _("That is already the recommendation's value."))
        return data


class CorrectionDecisionForm(forms.ModelForm):
    """A staff administrator's decision on a pending proposal."""

    decision = forms.ChoiceField(
        label=_("decision"),
        required=False,
        choices=[
            ("", _("Leave pending")),
            (ACCEPT, _("Accept: apply the proposed value")),
            (ACCEPT_DESPITE_CHANGE, _("Accept although the value changed since it was proposed")),
            (REJECT, _("Reject")),
        ],
    )

    class Meta:
        model = CorrectionProposal
        fields = ["decision_note"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision_note") and not data.get("decision"):
            self.add_error("decision", _("Choose to accept or reject to record the note."))
        if data.get("decision") == ACCEPT:
            proposal = self.instance
            now = services.official_value(proposal.recommendation, proposal.field)
            if now != proposal.current_value:
                self.add_error("decision", str(services.CorrectionConflict(proposal, now)))
        return data


@admin.register(CorrectionProposal)
class CorrectionProposalAdmin(PolicyAdmin):
    """Editors see their organisations' proposals (read-only once made); staff administrators see all and decide."""

    list_display = ["recommendation", "field", "state", "organisation", "proposed_by", "created_at"]
    list_filter = ["state", "field"]
    list_select_related = ["recommendation__review__state", "recommendation__review__session", "organisation"]
    list_select_related += ["proposed_by"]
    autocomplete_fields = ["recommendation"]
    actions = ["accept_action", "reject_action"]

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).select_related("recommendation__review__state", "proposed_by")

    def has_add_permission(self, request, *args) -> bool:
        return is_staff(request) and permissions.may_propose_correction(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return is_staff(request) and permissions.is_staff_admin(request.user)
        return is_staff(request) and permissions.may_decide_correction(request.user, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_staff(request) and permissions.is_staff_admin(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not permissions.is_staff_admin(request.user):
            actions.pop("accept_action", None)
            actions.pop("reject_action", None)
        return actions

    def get_fields(self, request, obj=None):
        if obj is None:
            return PROPOSAL_FIELDS
        decide = ["decision", "decision_note"] if permissions.may_decide_correction(request.user, obj) else []
        return [name for name in SHOWN_FIELDS if name not in decide] + decide

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if permissions.may_decide_correction(request.user, obj):
            return [name for name in SHOWN_FIELDS if name != "decision_note"]
        return SHOWN_FIELDS

    def get_changeform_initial_data(self, request) -> dict:
        initial = super().get_changeform_initial_data(request)
        organisations = permissions.organisations_for(request.user)
        if len(organisations) == 1:
            initial.setdefault("organisation", next(iter(organisations)))
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = CorrectionDecisionForm if obj is not None else CorrectionProposalForm
        return with_user(super().get_form(request, obj, change=change, **kwargs), request.user)

    @admin.display(description=_("value now"))
    def value_now(self, proposal: CorrectionProposal) -> str:
        now = services.official_value(proposal.recommendation, proposal.field)
        if proposal.state == CorrectionProposal.State.PENDING and now != proposal.current_value:
            return format_html("<strong>{}</strong> {}", _("Changed since proposed:"), now)
        return now

    def save_model(self, request, obj, form, change):
        if not change:
            self._propose(request, obj, form.cleaned_data)
            return
        decision = form.cleaned_data.get("decision")
        if decision:
            note = form.cleaned_data.get("decision_note", "")
            self._decide(request, obj, decision, note)

    def _propose(self, request, obj: CorrectionProposal, data: dict) -> None:
        proposal = services.propose_correction(user=request.user, **{name: data[name] for name in PROPOSAL_FIELDS})
        obj.pk, obj.current_value, obj.proposed_by = proposal.pk, proposal.current_value, proposal.proposed_by
        obj._state.adding = False

    def _decide(self, request, proposal: CorrectionProposal, decision: str, note: str) -> bool:
        try:
            if decision == REJECT:
                services.reject_correction(proposal=proposal, user=request.user, note=note)
            else:
                despite_change = decision == ACCEPT_DESPITE_CHANGE
                services.accept_correction(
                    proposal=proposal, user=request.user, note=note, despite_change=despite_change
                )
        except (services.CorrectionConflict, ValidationError) as error:
            text = error.messages if isinstance(error, ValidationError) else [str(error)]
            self.message_user(request, f"{proposal}: {' '.join(text)}", messages.ERROR)
            return False
        return True

    def delete_model(self, request, obj):
        if not permissions.is_staff_admin(request.user):
            raise PermissionDenied
        super().delete_model(request, obj)

    @admin.action(description=_("Accept the selected corrections (apply the proposed values)"))
    def accept_action(self, request, queryset):
        self._decide_all(request, queryset, ACCEPT)

    @admin.action(description=_("Reject the selected corrections"))
    def reject_action(self, request, queryset):
        self._decide_all(request, queryset, REJECT)

    def _decide_all(self, request, queryset, decision: str) -> None:
        if not permissions.is_staff_admin(request.user):
            raise PermissionDenied
        pending = queryset.filter(state=CorrectionProposal.State.PENDING)
        done = sum(self._decide(request, proposal, decision, "") for proposal in pending)
        message = ngettext("%(count)d correction decided.", "%(count)d corrections decided.", done)
        self.message_user(request, message % {"count": done}, messages.SUCCESS)


class CorrectionInline(ReadOnlyInline):
    """A recommendation's proposed corrections the user may see, read-only with links to them."""

    model = CorrectionProposal
    fk_name = "recommendation"
    fields = ["field", "proposed_value", "state", "organisation", "created_at"]
    verbose_name_plural = _("proposed corrections of official data")
    related = ("organisation",)


def propose_link(recommendation: Recommendation) -> str:
    """The link of a recommendation's page to a new proposal for it."""
    url = reverse("admin:recommendations_correctionproposal_add") + f"?recommendation={recommendation.pk}"
    return format_html(
        '<a class="button" href="{}">{}</a> {}',
        url,
        _("Propose a correction"),
        _("Official data (text, paragraph, recommending States, response) is changed by staff administrators only."),
    )
