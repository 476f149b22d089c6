"""The publication workflow, in one place (permissions.may_move), asked by the admin's actions and the API."""

import pytest

from recommendations import permissions
from recommendations.models import ImplementationAssessment

pytestmark = pytest.mark.django_db

DRAFT, SUBMITTED, PUBLISHED, REJECTED = (
    ImplementationAssessment.Publication.DRAFT,
    ImplementationAssessment.Publication.SUBMITTED,
    ImplementationAssessment.Publication.PUBLISHED,
    ImplementationAssessment.Publication.REJECTED,
)
MOVES = [(a, b) for a in (DRAFT, SUBMITTED, PUBLISHED, REJECTED) for b in (DRAFT, SUBMITTED, PUBLISHED, REJECTED)]


def allowed(user, organisation) -> set[tuple[str, str]]:
    return {(a, b) for a, b in MOVES if a != b and permissions.may_move(user, organisation.pk, a, b)}


def test_an_editor_moves_drafts_to_review_and_back_only(editor_a, org_a):
    assert allowed(editor_a, org_a) == {(DRAFT, SUBMITTED), (SUBMITTED, DRAFT)}


def test_a_reviewer_also_publishes_rejects_and_unpublishes(reviewer_a, org_a):
    assert allowed(reviewer_a, org_a) == {(a, b) for a, b in MOVES if a != b}


def test_another_organisations_editor_moves_nothing(editor_b, org_a):
    assert allowed(editor_b, org_a) == set()


def test_a_staff_administrator_moves_everything(staff_admin, org_a):
    assert allowed(staff_admin, org_a) == {(a, b) for a, b in MOVES if a != b}
