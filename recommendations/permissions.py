"""Who may see and change what: the one policy every surface loads organisation data through.

Roles:
- Anonymous visitors and everyone else read published assessments and their citations, evidence a
  published assessment cites, published briefing texts, public advocacy asks, organisations and all
  reference data (States, reviews, recommendations, themes …).
- An organisation's members (role editor or reviewer) also see its drafts, submissions, rejected
  assessments, its evidence, briefings and asks, and change them; an editor's change to a *published*
  assessment becomes a proposed revision that a reviewer publishes (`can_revise`).
- Reviewers also publish, unpublish and reject their organisation's assessments.
- Staff administrators (superusers, or staff in the "Staff administrators" group) see and change
  everything, and alone change memberships (roles), organisations, reference data and a recommendation's
  official data (its text, paragraph, review, kind, recommending States, the State's positions).
- Members of an organisation classify recommendations (themes, affected groups, SDGs, action category:
  `recommendation_fields_changeable`) and propose corrections of official data, which their organisation
  sees and staff administrators alone accept or reject (`may_decide_correction`).
- Anyone else who writes (an account with no organisation, the public form) only submits: the
  assessment waits as `submitted` for a reviewer; its author sees it, not the evidence it cites.

Each model holding organisation data has a `Rule` below: what a user may see and what they may change,
as filters. `visible()` and `changeable()` apply them to a queryset; `can_see()` and `can_change()`
ask about one stored object. The admin (admin_base.PolicyAdmin), the API (serializers, viewsets), the
public pages, exports, feeds, PDFs and downloads read through them. A model without a rule is reference
data: everyone sees it, only staff administrators change it. tests/security checks every URL the project
serves against every kind of user.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from core.roles import is_staff_admin, signed_in, token_organisations
from recommendations.models import (
    APIToken,
    AskMatch,
    Briefing,
    Citation,
    CorrectionProposal,
    DeletedObject,
    EvidenceSource,
    ImplementationAssessment,
    Membership,
    Organisation,
    ProposedRecommendation,
    Publication,
    RepeatLink,
    ReviewComment,
    Watch,
    Webhook,
)

EDITOR, REVIEWER = Membership.Role.EDITOR, Membership.Role.REVIEWER
EVERYTHING = Q()
NOTHING = Q(pk__in=[])


# Roles ----------------------------------------------------------------------------------------------------


def _roles(user) -> dict[int, str]:
    """{organisation id: role} of the user's memberships, read once per user object."""
    if not signed_in(user):
        return {}
    if not hasattr(user, "_upr_roles"):
        roles = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        bound = token_organisations(user)
        user._upr_roles = roles if bound is None else {pk: role for pk, role in roles.items() if pk in bound}
    return user._upr_roles


def organisations_for(user, role: str | None = None) -> set[int]:
    """Ids of the organisations the user belongs to (with `role` REVIEWER: those they may publish for)."""
    roles = _roles(user)
    if role == REVIEWER:
        return {pk for pk, r in roles.items() if r == REVIEWER}
    return set(roles)


def organisation_choices(user) -> QuerySet:
    """The organisations the user may record assessments for (every one for staff administrators)."""
    if is_staff_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=organisations_for(user))


def is_editor(user) -> bool:
    """Whether the user edits for at least one organisation."""
    return is_staff_admin(user) or bool(_roles(user))


def may_write_for(user, organisation_id: int | None) -> bool:
    return is_staff_admin(user) or organisation_id in organisations_for(user)


def initial_publication_state(user, organisation_id: int) -> str:
    """The publication state a new assessment starts in: a draft for the organisation's members, a submission
    otherwise."""
    return Publication.DRAFT if may_write_for(user, organisation_id) else Publication.SUBMITTED


# Rules ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """What a user who is not a staff administrator may see and change of one model, as filters."""

    see: Callable[[object], Q]
    change: Callable[[object], Q]
    history: str = "change"  # who reads its history pages: those who may "change" it, or "see" it (public data)
    revert: bool = True  # whether restoring an earlier version from its history is allowed at all


def _mine(user, path: str = "organisation", role: str | None = None) -> Q:
    return Q(**{f"{path}_id__in": organisations_for(user, role)})


def _assessments_seen(user) -> Q:
    seen = Q(state=Publication.PUBLISHED) | _mine(user)
    if signed_in(user):
        seen |= Q(recorded_by_id=user.pk)  # an outside submitter follows their own submission
    return seen


def _assessments_changed(user) -> Q:
    """Members change their organisation's unpublished assessments; published ones only its reviewers."""
    return _mine(user) & (~Q(state=Publication.PUBLISHED) | _mine(user, role=REVIEWER))


def _citations(assessments: Callable[[object], Q]) -> Callable[[object], Q]:
    return lambda user: Q(assessment__in=ImplementationAssessment.objects.filter(assessments(user)).values("pk"))


def _cited_by(assessments: Q) -> Exists:
    return Exists(Citation.objects.filter(evidence_id=OuterRef("pk"), assessment__in=assessments))


def _evidence_seen(user) -> Q:
    """Its organisation's; anyone's once a published assessment cites it; and what the user's organisations cite."""
    published = ImplementationAssessment.objects.filter(state=Publication.PUBLISHED).values("pk")
    theirs = ImplementationAssessment.objects.filter(_mine(user)).values("pk")
    return _mine(user) | _cited_by(published) | _cited_by(theirs)


def _evidence_changed(user) -> Q:
    """Its organisation's members; a source sent with the public form, members of the organisation it was sent to."""
    theirs = ImplementationAssessment.objects.filter(_mine(user)).values("pk")
    return _mine(user) | (Q(organisation__isnull=True) & _cited_by(theirs))


def _asks_seen(user) -> Q:
    return Q(public=True) | _mine(user)


def _own(user) -> Q:
    return Q(user_id=user.pk) if signed_in(user) else NOTHING


def _owner(user, path: str = "") -> Q:
    return Q(**{f"{path}owner_id": user.pk}) if signed_in(user) else NOTHING


def _signed_in_editor(user) -> Q:
    return EVERYTHING if is_editor(user) else NOTHING


RULES: dict[type[Model], Rule] = {
    ImplementationAssessment: Rule(see=_assessments_seen, change=_assessments_changed),
    Citation: Rule(see=_citations(_assessments_seen), change=_citations(_assessments_changed)),
    # A reviewer's comment is for the organisation's members; it is history: nobody but staff changes it.
    ReviewComment: Rule(see=lambda user: _mine(user, "assessment__organisation"), change=lambda user: NOTHING),
    EvidenceSource: Rule(see=_evidence_seen, change=_evidence_changed),
    Briefing: Rule(see=lambda user: Q(published=True) | _mine(user), change=_mine),
    ProposedRecommendation: Rule(see=_asks_seen, change=_mine),
    AskMatch: Rule(
        see=lambda user: Q(proposal__in=ProposedRecommendation.objects.filter(_asks_seen(user)).values("pk")),
        change=lambda user: _mine(user, "proposal__organisation"),
    ),
    # Roles are changed by staff administrators only, never restored from history.
    Membership: Rule(see=_mine, change=lambda user: NOTHING, revert=False),
    Organisation: Rule(see=lambda user: EVERYTHING, change=lambda user: NOTHING, history="see", revert=False),
    # Repeats link public recommendations; any editor decides, through the follow-up services.
    RepeatLink: Rule(see=lambda user: EVERYTHING, change=_signed_in_editor, history="see"),
    DeletedObject: Rule(see=lambda user: EVERYTHING, change=lambda user: NOTHING, history="see"),
    # A token is its user's to see and revoke; staff administrators issue them.
    APIToken: Rule(see=_own, change=_own, revert=False),
    # A correction is seen by the proposing organisation; staff administrators alone decide it (may_decide).
    CorrectionProposal: Rule(see=_mine, change=lambda user: NOTHING, revert=False),
    # A watch (saved search, feed key) is its owner's alone.
    Watch: Rule(see=_owner, change=_owner, revert=False),
    Webhook: Rule(see=lambda user: _owner(user, "watch__"), change=lambda user: _owner(user, "watch__"), revert=False),
}
REFERENCE_DATA = Rule(see=lambda user: EVERYTHING, change=lambda user: NOTHING, history="see")


def register(model: type[Model], rule: Rule) -> None:
    """Give a model of another module (API tokens …) its rule."""
    RULES[model] = rule


def rule_for(model: type[Model]) -> Rule:
    return RULES.get(model._meta.concrete_model, REFERENCE_DATA)


def holds_organisation_data(model: type[Model]) -> bool:
    return model._meta.concrete_model in RULES


def visible(queryset: QuerySet, user) -> QuerySet:
    """The rows of `queryset` the user may see."""
    if is_staff_admin(user):
        return queryset
    return queryset.filter(rule_for(queryset.model).see(user))


def public(queryset: QuerySet) -> QuerySet:
    """What anyone may see: the public pages, feeds and exports, the same for every visitor (cacheable)."""
    return visible(queryset, None)


def changeable(queryset: QuerySet, user) -> QuerySet:
    """The rows of `queryset` the user may change (and delete)."""
    if is_staff_admin(user):
        return queryset
    return queryset.filter(rule_for(queryset.model).change(user))


def _stored(obj: Model) -> QuerySet:
    return type(obj)._default_manager.filter(pk=obj.pk)


def can_see(user, obj: Model) -> bool:
    """Whether the user may see the object as it is stored (one query unless the answer is plain)."""
    if is_staff_admin(user):
        return True
    return _holds(rule_for(type(obj)).see(user), obj)


def can_change(user, obj: Model) -> bool:
    """Whether the user may change or delete the object as it is stored now, whatever is in memory."""
    if is_staff_admin(user):
        return True
    return _holds(rule_for(type(obj)).change(user), obj)


def _holds(condition: Q, obj: Model) -> bool:
    if obj.pk is None or condition == NOTHING:
        return False
    return condition == EVERYTHING or _stored(obj).filter(condition).exists()


def can_read_history(user, obj: Model) -> bool:
    """History holds earlier texts (drafts before publication): only for who may change the object, or see it
    where its rule says the data was always public."""
    check = can_see if rule_for(type(obj)).history == "see" else can_change
    return check(user, obj)


def may_revert(user, obj: Model) -> bool:
    return rule_for(type(obj)).revert and can_change(user, obj)


def may_read_translation_report(user) -> bool:
    """Staff read the admin's translation report (which reference names have no translation): it lists public
    reference data only, so every staff member may, the staff administrators who fix them and the others."""
    return signed_in(user) and user.is_staff and token_organisations(user) is None


# Recommendations: official data and classification --------------------------------------------------------

# The UN's record of a recommendation: changed by staff administrators only; editors propose corrections.
OFFICIAL_FIELDS = frozenset(
    {"review", "paragraph", "text", "language", "kind", "recommending_states", "response", "response_source"}
    | {"response_date", "positions", "import_key"}
)
# Editorial classification, which organisations' editors keep (every change is in the history).
CLASSIFICATION_FIELDS = frozenset({"themes", "affected_groups", "sdgs", "action_category"})


def recommendation_fields_changeable(user) -> frozenset[str]:
    """The fields of a recommendation the user may change: every one for staff administrators, the classification
    for members of an organisation, none for anyone else (a model permission granted in the admin adds nothing)."""
    if is_staff_admin(user):
        return OFFICIAL_FIELDS | CLASSIFICATION_FIELDS
    if _roles(user):
        return CLASSIFICATION_FIELDS
    return frozenset()


def may_change_recommendation_field(user, field: str) -> bool:
    return field in recommendation_fields_changeable(user)


def may_propose_correction(user) -> bool:
    """Members of an organisation propose corrections to official data (staff administrators just change it)."""
    return not is_staff_admin(user) and bool(_roles(user))


def may_decide_correction(user, proposal: CorrectionProposal) -> bool:
    """Staff administrators alone accept or reject a proposed correction, and only while it is pending."""
    return is_staff_admin(user) and proposal.state == CorrectionProposal.State.PENDING


# Assessments ----------------------------------------------------------------------------------------------


def can_publish(user, assessment: ImplementationAssessment) -> bool:
    """Reviewers of the assessment's organisation and staff administrators publish, unpublish and reject."""
    return _reviews_for(user, assessment.organisation_id)


def _reviews_for(user, organisation_id: int) -> bool:
    return is_staff_admin(user) or organisation_id in organisations_for(user, REVIEWER)


MEMBER_STATES = frozenset({Publication.DRAFT, Publication.SUBMITTED})


def may_move(user, organisation_id: int, from_state: str, to_state: str) -> bool:
    """The workflow: members move their organisation's assessments between draft and submitted; its reviewers
    (and staff administrators) to and from published and rejected. The admin's actions and the API ask this."""
    if to_state == from_state:
        return True
    if {from_state, to_state} <= MEMBER_STATES:
        return may_write_for(user, organisation_id)
    return _reviews_for(user, organisation_id)


def can_move(user, assessment: ImplementationAssessment, to_state: str) -> bool:
    return may_move(user, assessment.organisation_id, assessment.state, to_state)


def can_send_back(user, assessment: ImplementationAssessment) -> bool:
    """Reviewers return a submission to its organisation's editors (as a draft, with a comment)."""
    return assessment.state == Publication.SUBMITTED and can_publish(user, assessment)


def can_edit_follows(user, organisation_id: int) -> bool:
    """An organisation's reviewers (and staff administrators) choose the States and themes it follows."""
    return _reviews_for(user, organisation_id)


def can_revise(user, assessment: ImplementationAssessment) -> bool:
    """Members who may not publish propose changes to their organisation's published assessments."""
    stored_state = ImplementationAssessment.objects.filter(pk=assessment.pk).values_list("state", flat=True).first()
    return stored_state == Publication.PUBLISHED and may_write_for(user, assessment.organisation_id)


def can_change_assessment(user, assessment: ImplementationAssessment) -> bool:
    return can_change(user, assessment)


can_delete_assessment = can_change_assessment


def can_change_evidence(user, evidence: EvidenceSource) -> bool:
    """Members change their organisation's sources (new ones too); others' only staff administrators."""
    if evidence.pk is None:
        return is_editor(user)
    return can_change(user, evidence)


def visible_assessments(queryset: QuerySet, user) -> QuerySet:
    return visible(queryset, user)


def citable_evidence(organisation_id: int) -> QuerySet:
    """What an assessment of the organisation may cite: what the organisation itself may see (its own sources,
    publicly cited ones, ones it cites already) and a source sent with the public form that nothing cites yet."""
    assessments = ImplementationAssessment.objects.filter(organisation_id=organisation_id).values("pk")
    published = ImplementationAssessment.objects.filter(state=Publication.PUBLISHED).values("pk")
    uncited = ~Exists(Citation.objects.filter(evidence_id=OuterRef("pk")))
    return EvidenceSource.objects.filter(
        Q(organisation_id=organisation_id)
        | _cited_by(published)
        | _cited_by(assessments)
        | (Q(organisation__isnull=True) & uncited)
    )


def own_watches(user) -> QuerySet:
    """The user's watches and nobody else's, staff administrators included: the site's watch pages use this."""
    return Watch.objects.filter(_owner(user))


def own_webhooks(user) -> QuerySet:
    """The webhooks of the user's watches, and nobody else's."""
    return Webhook.objects.filter(_owner(user, "watch__"))
