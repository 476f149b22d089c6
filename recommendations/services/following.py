"""What an organisation follows: the States and themes its workspace's follow-up list watches."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from recommendations.models import Organisation, Theme
from states.models import State


@transaction.atomic
def set_followed(
    *,
    organisation: Organisation,
    states: Iterable[State],
    themes: Iterable[Theme],
    user: AbstractBaseUser | None = None,
) -> Organisation:
    """Replace the organisation's followed States and themes; its history records who changed them."""
    organisation.followed_states.set(states)
    organisation.followed_themes.set(themes)
    organisation._history_user = user
    organisation.save()  # a history row: who changed what the organisation follows, and when
    return organisation
