"""An organisation's introduction and conclusion around a briefing: the one write path (editor form, admin)."""

from django.db import transaction

from recommendations.models import (
    AffectedGroup,
    Briefing,
    Cycle,
    Organisation,
    Theme,
)
from recommendations.services.common import EditConflict, claim_version
from states.models import State

NOT_CHECKED = object()


@transaction.atomic
def save_briefing(*, briefing: Briefing, user=None) -> Briefing:
    """Validate and save a briefing's texts (new or changed), recording who did it in its history; a change raises
    the version (services.claim_version, the project's one optimistic lock)."""
    briefing.updated_by = user if user is not None and user.is_authenticated else None
    briefing.full_clean()
    if briefing.pk is not None:
        claim_version(briefing, briefing.version)
    briefing._history_user = briefing.updated_by
    briefing.save()
    return briefing


@transaction.atomic
def write_briefing(
    *,
    organisation: Organisation,
    state: State,
    theme: Theme | None = None,
    affected_group: AffectedGroup | None = None,
    cycle: Cycle | None = None,
    title: str = "",
    introduction: str = "",
    conclusion: str = "",
    published: bool = False,
    user=None,
    expected_version: int | None | object = NOT_CHECKED,
) -> Briefing:
    """Create or change an organisation's texts for one State and filter combination.

    `expected_version` is the stored row's version as the editor opened it (None: there was none); if it
    moved since, EditConflict and nothing is written. The row is locked while it is checked and saved.
    """
    key = {"organisation": organisation, "state": state, "theme": theme, "affected_group": affected_group}
    briefing = Briefing.objects.select_for_update().filter(**key, cycle=cycle).first()
    stored = briefing.version if briefing else None
    if expected_version is not NOT_CHECKED and stored != expected_version:
        raise EditConflict(briefing)
    briefing = briefing or Briefing(**key, cycle=cycle)
    briefing.title, briefing.introduction, briefing.conclusion = title, introduction, conclusion
    briefing.published = published
    return save_briefing(briefing=briefing, user=user)
