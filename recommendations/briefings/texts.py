"""An organisation's introduction and conclusion around a briefing: the one write path (editor form, admin)."""

import datetime

from django.db import transaction

from recommendations.models import (
    AffectedGroup,
    Briefing,
    Cycle,
    Organisation,
    Theme,
)
from states.models import State

TEXT_MAX_LENGTH = 20_000  # characters of an introduction or a conclusion: a few pages, never a whole book


class EditConflict(Exception):
    """Someone saved the briefing's texts since the editor opened them; `current` is the stored row (or None)."""

    def __init__(self, current: Briefing | None) -> None:
        super().__init__("The briefing was changed by someone else.")
        self.current = current


NOT_CHECKED = object()


@transaction.atomic
def save_briefing(*, briefing: Briefing, user=None) -> Briefing:
    """Validate and save a briefing's texts (new or changed), recording who did it in its history."""
    briefing.updated_by = user if user is not None and user.is_authenticated else None
    briefing.full_clean()
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
    expected_updated_at: datetime.datetime | None | object = NOT_CHECKED,
) -> Briefing:
    """Create or change an organisation's texts for one State and filter combination.

    `expected_updated_at` is when the stored row was last saved as the editor
    opened it (None: there was none); if it moved since, EditConflict and
    nothing is written. The row is locked while it is checked and saved.
    """
    key = {"organisation": organisation, "state": state, "theme": theme, "affected_group": affected_group}
    briefing = Briefing.objects.select_for_update().filter(**key, cycle=cycle).first()
    stored_at = briefing.updated_at if briefing else None
    if expected_updated_at is not NOT_CHECKED and stored_at != expected_updated_at:
        raise EditConflict(briefing)
    briefing = briefing or Briefing(**key, cycle=cycle)
    briefing.title, briefing.introduction, briefing.conclusion = title, introduction, conclusion
    briefing.published = published
    return save_briefing(briefing=briefing, user=user)
