"""Editors' decisions on repeat links: confirm, dismiss, or link a repeat the suggestions missed."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Value
from django.utils.translation import gettext

from recommendations import permissions
from recommendations.models import Recommendation, RepeatLink, SuggestionStatus


def may_decide(user) -> bool:
    """Editors of any organisation and staff administrators confirm and dismiss repeats.

    A repeat link belongs to no organisation: it is a fact about two
    recommendations, which every editor may establish.
    """
    return permissions.is_editor(user)


@transaction.atomic
def confirm_repeat(*, link: RepeatLink, user: AbstractBaseUser) -> RepeatLink:
    """`link.later` repeats `link.earlier`: the link becomes public on both recommendations' pages."""
    return _decide(link, user, SuggestionStatus.CONFIRMED)


@transaction.atomic
def dismiss_repeat(*, link: RepeatLink, user: AbstractBaseUser) -> RepeatLink:
    """Not a repeat: the link is kept as dismissed so suggest_repeats never suggests the pair again."""
    return _decide(link, user, SuggestionStatus.DISMISSED)


@transaction.atomic
def link_repeat(*, earlier: Recommendation, later: Recommendation, user: AbstractBaseUser) -> RepeatLink:
    """An editor's own finding: `later` repeats `earlier`, confirmed at once.

    For the repeats suggest_repeats misses (reworded beyond its thresholds).
    An existing link of the pair (suggested or dismissed) is confirmed; a new
    one records the texts' trigram similarity as its score.
    """
    link = RepeatLink.objects.filter(earlier=earlier, later=later).first()
    if link is None:
        similar = Recommendation.objects.filter(pk=later.pk).annotate(
            score=TrigramSimilarity("text", Value(earlier.text))
        )
        shared = Recommendation.themes.through.objects.filter(
            recommendation_id=later.pk, theme_id__in=earlier.themes.values("pk")
        )
        score = similar.values_list("score", flat=True).get()
        link = RepeatLink(earlier=earlier, later=later, score=min(1.0, score), shared_themes=shared.count())
    return _decide(link, user, SuggestionStatus.CONFIRMED)


def _decide(link: RepeatLink, user: AbstractBaseUser, status: str) -> RepeatLink:
    if not may_decide(user):
        raise PermissionDenied(gettext("Only editors and staff administrators confirm or dismiss repeats."))
    check_pair(link.earlier_id, link.later_id)
    link.decide(status, user)
    return link


def check_pair(earlier_id: int, later_id: int) -> None:
    """Both recommendations are to one State, the earlier one in an earlier session (one query)."""
    pairs = Recommendation.objects.filter(pk__in=[earlier_id, later_id]).values_list(
        "pk", "state_under_review_id", "review__session__number"
    )
    rows = {pk: (state_id, session) for pk, state_id, session in pairs}
    (earlier_state, earlier_session), (later_state, later_session) = rows[earlier_id], rows[later_id]
    if earlier_state != later_state:
        raise ValidationError(gettext("A repeat links two recommendations to the same State under review."))
    if earlier_session >= later_session:
        raise ValidationError(
            gettext("The earlier recommendation must belong to an earlier session than the later one.")
        )
