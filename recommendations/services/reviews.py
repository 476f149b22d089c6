"""A reviewer's decisions on a submitted assessment that are more than a change of state: sending it back with
a comment."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from recommendations.models import ImplementationAssessment, Publication, ReviewComment
from recommendations.services.assessments import update_assessment


@transaction.atomic
def send_back(
    *,
    assessment: ImplementationAssessment,
    comment: str,
    user: AbstractBaseUser | None = None,
    expected_version: int | None = None,
) -> ReviewComment:
    """Return a submitted assessment to its editors as a draft, with the reviewer's comment (kept with history).
    EditConflict when it changed since `expected_version`."""
    if not comment.strip():
        raise ValidationError({"comment": gettext("Say what the editors should change.")}, code="required")
    update_assessment(assessment=assessment, state=Publication.DRAFT, user=user, expected_version=expected_version)
    note = ReviewComment(assessment=assessment, author=user, text=comment.strip())
    note.full_clean()
    note._history_user = user
    note.save()
    return note
