"""Corrections of a recommendation's official data: an editor proposes, a staff administrator accepts or rejects.

Accepting applies the value here, in one transaction with the decision: the recommendation (and, for the
response, its latest position) gets a history row naming the administrator and, as its reason, the proposal.
A proposal whose field changed since it was made is not applied without the administrator saying so
(CorrectionConflict).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations import permissions
from recommendations.models import CorrectionProposal, Organisation, Position, Recommendation, Response
from states.models import State

FIELD = CorrectionProposal.Field
MAX_LENGTHS = {FIELD.PARAGRAPH: 20, FIELD.RESPONSE_SOURCE: 200, FIELD.TEXT: 10_000}


class CorrectionConflict(Exception):
    """The field's value changed since the proposal was made: applying it blindly could undo someone's work."""

    def __init__(self, proposal: CorrectionProposal, value_now: str) -> None:
        super().__init__(
            _(
                "The %(field)s of this recommendation changed since the correction was proposed (it was “%(then)s”, "
                "it is now “%(now)s”): check the proposal against the current value before accepting it."
            )
            % {"field": proposal.get_field_display(), "then": proposal.current_value, "now": value_now}
        )
        self.proposal, self.value_now = proposal, value_now


def official_value(recommendation: Recommendation, field: str) -> str:
    """The field's value as a proposal shows it (recommending States as sorted ISO3 codes)."""
    if field == FIELD.RECOMMENDING_STATES:
        return ", ".join(sorted(recommendation.recommending_states.values_list("iso3", flat=True)))
    return str(getattr(recommendation, field) or "")


def parse_value(field: str, value: str) -> str | list[State]:
    """The proposed value as the field stores it; a ValidationError on `proposed_value` when it cannot be."""
    value = value.strip()
    if field in MAX_LENGTHS and len(value) > MAX_LENGTHS[field]:
        raise _invalid(_("At most %(n)d characters.") % {"n": MAX_LENGTHS[field]})
    if field == FIELD.TEXT and not value:
        raise _invalid(_("A recommendation needs a text."))
    if field == FIELD.KIND:
        return _choice(Recommendation.Kind, value)
    if field == FIELD.RESPONSE:
        return _choice(Response, value)
    if field == FIELD.RECOMMENDING_STATES:
        return _states(value)
    return value


def _invalid(message: str) -> ValidationError:
    return ValidationError({"proposed_value": message})


def _choice(choices, value: str) -> str:
    for stored, label in choices.choices:
        if value.lower() in {stored, str(label).lower()}:
            return stored
    raise _invalid(_("Use one of: %(values)s.") % {"values": ", ".join(choices.values)})


def _states(value: str) -> list[State]:
    codes = {code.strip().upper() for code in value.replace(";", ",").split(",") if code.strip()}
    states = list(State.objects.filter(iso3__in=codes).order_by("iso3"))
    unknown = sorted(codes - {state.iso3 for state in states})
    if unknown:
        raise _invalid(_("Unknown ISO3 codes: %(codes)s.") % {"codes": ", ".join(unknown)})
    return states


def _shown(parsed: str | list[State]) -> str:
    return ", ".join(state.iso3 for state in parsed) if isinstance(parsed, list) else parsed


def normalised_value(field: str, value: str) -> str:
    """The proposed value as official_value would show it once applied (a ValidationError when it cannot be)."""
    return _shown(parse_value(field, value))


@transaction.atomic
def propose_correction(
    *,
    recommendation: Recommendation,
    field: str,
    proposed_value: str,
    source: str,
    user,
    organisation: Organisation,
    comment: str = "",
) -> CorrectionProposal:
    """Record an editor's proposed correction of one official field, with the value it has now."""
    if not permissions.may_propose_correction(user) or not permissions.may_write_for(user, organisation.pk):
        raise PermissionDenied(_("Only members of an organisation propose corrections, for their organisation."))
    current = official_value(recommendation, field) if field in FIELD.values else ""
    proposal = CorrectionProposal(
        recommendation=recommendation,
        field=field,
        current_value=current,
        proposed_value=proposed_value,
        source=source.strip(),
        comment=comment,
        proposed_by=user,
        organisation=organisation,
    )
    proposal.full_clean()
    proposal.proposed_value = normalised_value(field, proposed_value)
    if proposal.proposed_value == current:
        raise _invalid(_("That is already the recommendation's %(field)s.") % {"field": proposal.get_field_display()})
    proposal._history_user = user
    proposal.save()
    return proposal


@transaction.atomic
def accept_correction(
    *, proposal: CorrectionProposal, user, note: str = "", despite_change: bool = False
) -> CorrectionProposal:
    """Apply the proposed value and mark the proposal accepted. Raises CorrectionConflict when the field changed
    since the proposal was made, unless `despite_change` (the administrator compared them)."""
    proposal = _pending(proposal, user)
    recommendation = Recommendation.objects.select_for_update().get(pk=proposal.recommendation_id)
    value_now = official_value(recommendation, proposal.field)
    if value_now != proposal.current_value and not despite_change:
        raise CorrectionConflict(proposal, value_now)
    reason = f"Correction proposal #{proposal.pk} ({proposal.field}) accepted"
    _apply(recommendation, proposal.field, parse_value(proposal.field, proposal.proposed_value), user, reason)
    return _decide(proposal, CorrectionProposal.State.ACCEPTED, user, note)


@transaction.atomic
def reject_correction(*, proposal: CorrectionProposal, user, note: str = "") -> CorrectionProposal:
    """Mark the proposal rejected with the administrator's note; the recommendation stays as it is."""
    return _decide(_pending(proposal, user), CorrectionProposal.State.REJECTED, user, note)


def _pending(proposal: CorrectionProposal, user) -> CorrectionProposal:
    proposal = CorrectionProposal.objects.select_for_update().get(pk=proposal.pk)
    if not permissions.is_staff_admin(user):
        raise PermissionDenied(_("Only staff administrators accept or reject corrections."))
    if not permissions.may_decide_correction(user, proposal):
        raise ValidationError(_("This correction was already %(state)s.") % {"state": proposal.get_state_display()})
    return proposal


def _decide(proposal: CorrectionProposal, state: str, user, note: str) -> CorrectionProposal:
    proposal.state, proposal.decided_by, proposal.decided_at = state, user, timezone.now()
    proposal.decision_note = note
    proposal._history_user = user
    proposal.save()
    return proposal


def _apply(recommendation: Recommendation, field: str, value, user, reason: str) -> None:
    if field == FIELD.RECOMMENDING_STATES:
        recommendation.recommending_states.set(value)
    elif field in (FIELD.RESPONSE, FIELD.RESPONSE_SOURCE):
        _correct_position(recommendation, field, value, user, reason)
        recommendation.refresh_from_db()  # the database copied the position onto it (migration 0021)
    else:
        setattr(recommendation, field, value)
        recommendation.full_clean()  # the paragraph stays unique within the review
    recommendation._history_user, recommendation._change_reason = user, reason
    recommendation.save()


def _correct_position(recommendation: Recommendation, field: str, value: str, user, reason: str) -> None:
    """Correct the latest position (the one the recommendation shows) in place; a first response is recorded."""
    latest = recommendation.positions.order_by(F("date").desc(nulls_last=True), "-id").first()
    if latest is None:
        if field == FIELD.RESPONSE_SOURCE:
            raise _invalid(_("No response is recorded yet: propose the response first."))
        latest = Position(recommendation=recommendation)
    setattr(latest, "source" if field == FIELD.RESPONSE_SOURCE else "response", value)
    latest.full_clean(exclude=["recommendation"])
    latest._history_user, latest._change_reason = user, reason
    latest.save()
