"""Who may see and change what: the one place the admin, the API, the public
submission form and the commands ask.

- Anonymous visitors and everyone else read published assessments, evidence
  cited by them, and all reference data.
- An organisation's members (role editor or reviewer) see their organisation's
  drafts, submissions and rejected assessments, and add, change and delete its
  assessments and their citations; an evidence source while no other
  organisation's assessment cites it.
- Reviewers also publish, unpublish and reject their organisation's assessments
  (the moderation queue).
- Staff administrators (superusers, or members of the "Staff administrators"
  group) do all of that for every organisation and manage reference data,
  users and organisations.
- Anyone else who writes (a partner token without a role, the public form)
  only submits: the assessment waits as `submitted` for a reviewer.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from recommendations.models import Citation, EvidenceSource, ImplementationAssessment, Membership, Organisation

STAFF_ADMIN_GROUP = "Staff administrators"
EDITOR, REVIEWER = Membership.Role.EDITOR, Membership.Role.REVIEWER
State = ImplementationAssessment.State


def _token_organisations(user) -> frozenset[int] | None:
    """With an API token (recommendations/api_auth.py sets user.api_token), the only organisation the
    request acts for ({id}, or none for a token without one), whatever else the account may do; else None."""
    token = getattr(user, "api_token", None)
    return None if token is None else frozenset({token.organisation_id} - {None})


def is_staff_admin(user) -> bool:
    if not (user and user.is_authenticated and user.is_active) or _token_organisations(user) is not None:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_upr_staff_admin"):
        user._upr_staff_admin = user.is_staff and user.groups.filter(name=STAFF_ADMIN_GROUP).exists()
    return user._upr_staff_admin


def _roles(user) -> dict[int, str]:
    """{organisation id: role} of the user's memberships, read once per user object."""
    if not (user and user.is_authenticated and user.is_active):
        return {}
    if not hasattr(user, "_upr_roles"):
        roles = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        bound = _token_organisations(user)
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


def can_view_assessment(user, assessment: ImplementationAssessment) -> bool:
    if assessment.state == State.PUBLISHED or may_write_for(user, assessment.organisation_id):
        return True
    return bool(user and user.is_authenticated and assessment.recorded_by_id == user.pk)


def can_change_assessment(user, assessment: ImplementationAssessment) -> bool:
    return may_write_for(user, assessment.organisation_id)


can_delete_assessment = can_change_assessment


def can_publish(user, assessment: ImplementationAssessment) -> bool:
    """Reviewers of the assessment's organisation and staff administrators publish, unpublish and reject."""
    return is_staff_admin(user) or assessment.organisation_id in organisations_for(user, REVIEWER)


def initial_state(user, organisation_id: int) -> str:
    """The state a new assessment starts in: a draft for the organisation's members, a submission otherwise."""
    return State.DRAFT if may_write_for(user, organisation_id) else State.SUBMITTED


def can_change_citation(user, citation: Citation) -> bool:
    return may_write_for(user, citation.assessment.organisation_id)


def can_change_evidence(user, evidence: EvidenceSource) -> bool:
    """Members change an evidence source while no other organisation's assessment cites it."""
    if is_staff_admin(user):
        return True
    if not is_editor(user):
        return False
    if evidence.pk is None:
        return True
    others = Citation.objects.filter(evidence=evidence).exclude(assessment__organisation_id__in=organisations_for(user))
    return not others.exists()


def visible_assessments(queryset: QuerySet, user) -> QuerySet:
    if is_staff_admin(user):
        return queryset
    visible = Q(state=State.PUBLISHED)
    if user and user.is_authenticated:
        visible |= Q(organisation_id__in=organisations_for(user)) | Q(recorded_by_id=user.pk)
    return queryset.filter(visible)


def visible_evidence(queryset: QuerySet, user) -> QuerySet:
    """Evidence cited by an assessment the user may see; members also see evidence nobody cites yet."""
    if is_staff_admin(user):
        return queryset
    cited_visibly = Citation.objects.filter(
        evidence_id=OuterRef("pk"),
        assessment__in=visible_assessments(ImplementationAssessment.objects.all(), user).values("pk"),
    )
    visible = Exists(cited_visibly)
    if is_editor(user):
        visible |= ~Exists(Citation.objects.filter(evidence_id=OuterRef("pk")))
    return queryset.filter(visible)
