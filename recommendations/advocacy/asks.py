"""Advocacy asks and their uptake: which recommendations of a review take up an organisation's asks.

- `suggest_matches` (from advocacy_matching): for each ask, the recommendations
  of the same review whose text is most alike (PostgreSQL full-text rank and
  trigram similarity, a small boost for shared themes), stored as suggested
  `AskMatch` rows set-wise. Confirmed and dismissed matches are never touched,
  so a dismissed suggestion does not come back.
- `confirm_match`, `dismiss_match`, `confirm_recommendation`: the editor's
  decisions, for members of the ask's organisation and staff administrators.
- `uptake`, `proposals_for_briefing`: what became of the asks, per review,
  in a fixed number of queries.

Who sees an ask: everyone when it is public; its organisation's members and
staff administrators always (`visible_proposals`).
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext

from core.localized import sort_key
from recommendations import permissions
from recommendations.advocacy.matching import match_score
from recommendations.models import (
    AskMatch,
    ProposedRecommendation,
    Recommendation,
    Review,
    SuggestionStatus,
    Theme,
)
from states.models import State

# Who sees and decides -------------------------------------------------------------


def visible_proposals(queryset: QuerySet, user) -> QuerySet:
    """Public asks, plus every ask of the user's organisations (all of them for staff administrators)."""
    return permissions.visible(queryset, user)


def editable_proposals(queryset: QuerySet, user) -> QuerySet:
    """The asks the user may change: their organisations' (all of them for staff administrators)."""
    return permissions.changeable(queryset, user)


def can_change_proposal(user, proposal: ProposedRecommendation) -> bool:
    """Members of the ask's organisation and staff administrators change it and decide its matches."""
    return permissions.may_write_for(user, proposal.organisation_id)


def can_decide(user, match: AskMatch) -> bool:
    return can_change_proposal(user, match.proposal)


# Decisions ------------------------------------------------------------------------


def _decide(match: AskMatch, user: AbstractBaseUser, status: str) -> AskMatch:
    locked = AskMatch.objects.select_for_update().select_related("proposal").get(pk=match.pk)
    if not can_decide(user, locked):
        raise PermissionDenied(gettext("Only the ask's organisation decides its matches."))
    locked.decide(status, user)
    match.status, match.decided_by, match.decided_at = locked.status, locked.decided_by, locked.decided_at
    return locked


@transaction.atomic
def confirm_match(*, match: AskMatch, user: AbstractBaseUser) -> AskMatch:
    """The recommendation takes up the ask. PermissionDenied unless the user may decide for the ask."""
    return _decide(match, user, SuggestionStatus.CONFIRMED)


@transaction.atomic
def dismiss_match(*, match: AskMatch, user: AbstractBaseUser) -> AskMatch:
    """The recommendation does not take up the ask; it will not be suggested again."""
    return _decide(match, user, SuggestionStatus.DISMISSED)


@transaction.atomic
def confirm_recommendation(
    *, proposal: ProposedRecommendation, recommendation: Recommendation, user: AbstractBaseUser
) -> AskMatch:
    """Confirm that `recommendation` takes up `proposal`, whether or not it was suggested.

    The recommendation must belong to the ask's review. A new match gets the
    score the matcher would give it and ranks after the ask's other matches.
    """
    if not can_change_proposal(user, proposal):
        raise PermissionDenied(gettext("Only the ask's organisation decides its matches."))
    if recommendation.review_id != proposal.review_id:
        message = gettext("The recommendation belongs to another review than the ask.")
        raise ValidationError(message, code="other_review")
    match = AskMatch.objects.filter(proposal=proposal, recommendation=recommendation).first()
    if match is None:
        match = AskMatch(
            proposal=proposal,
            recommendation=recommendation,
            score=max(0.0, min(1.0, match_score(proposal=proposal, recommendation=recommendation))),
            rank=proposal.matches.count() + 1,
        )
        match._history_user = user
        match.save()
    return confirm_match(match=match, user=user)


# Uptake ---------------------------------------------------------------------------


@dataclass
class AskUptake:
    """One ask and what became of it.

    `recommendations`: the confirmed ones, each with `recommending_states`
    prefetched and its `response` and `current_status`. The State lists are
    empty until the review is `held` (its recommendations are in the database).
    """

    proposal: ProposedRecommendation
    held: bool
    recommendations: list[Recommendation]
    lobbied_made: list[State]  # lobbied, and made a confirmed recommendation
    lobbied_not_made: list[State]  # lobbied, and did not
    others_made: list[State]  # made one without being lobbied

    @property
    def taken_up(self) -> bool:
        return bool(self.recommendations)


@dataclass
class ReviewUptake:
    review: Review
    held: bool
    asks: list[AskUptake]

    @property
    def made(self) -> int:
        return len(self.asks)

    @property
    def taken_up(self) -> int:
        return sum(ask.taken_up for ask in self.asks)

    @property
    def rate(self) -> float | None:
        """Share of the asks taken up, 0 to 1; None before the review's recommendations are in."""
        return self.taken_up / self.made if self.held and self.made else None


def _with_uptake(asks: QuerySet) -> QuerySet:
    """Five queries whatever the number of asks: asks, confirmed matches, their States, lobbied States, themes."""
    confirmed = (
        AskMatch.objects.filter(status=SuggestionStatus.CONFIRMED)
        .select_related("recommendation")
        .defer("recommendation__search_vector")
        .prefetch_related("recommendation__recommending_states")
        .order_by("rank", "pk")
    )
    held = Exists(Recommendation.objects.filter(review_id=OuterRef("review_id")))
    return (
        asks.select_related("organisation", "review__state", "review__session")
        .annotate(review_held=held)
        .prefetch_related(
            Prefetch("matches", queryset=confirmed, to_attr="confirmed_matches"),
            "lobbied_states",
            Prefetch("themes", queryset=Theme.objects.select_related("scheme")),
        )
    )


def _ask_uptake(ask: ProposedRecommendation) -> AskUptake:
    recommendations = [match.recommendation for match in ask.confirmed_matches]
    made = {state.pk: state for r in recommendations for state in r.recommending_states.all()}
    lobbied = list(ask.lobbied_states.all())
    lobbied_ids = {state.pk for state in lobbied}
    return AskUptake(
        proposal=ask,
        held=ask.review_held,
        recommendations=recommendations,
        lobbied_made=[s for s in lobbied if s.pk in made],
        lobbied_not_made=[s for s in lobbied if s.pk not in made] if ask.review_held else [],
        others_made=sorted(
            (s for pk, s in made.items() if pk not in lobbied_ids), key=lambda s: sort_key(s.localized_name)
        ),
    )


def uptake(
    *,
    organisation=None,
    review: Review | int | None = None,
    state: State | int | None = None,
    user=None,
) -> list[ReviewUptake]:
    """The asks `user` may see (public ones without a user), grouped by review, latest session first.

    Optionally only `organisation`'s, one `review`'s, or those for one State
    under review (objects or ids). Five queries whatever the number of asks (see
    `_with_uptake`), after reading the user's roles (permissions.py caches them on the user).
    """
    asks = visible_proposals(ProposedRecommendation.objects.all(), user)
    if organisation is not None:
        asks = asks.filter(organisation=organisation)
    if review is not None:
        asks = asks.filter(review=review)
    if state is not None:
        asks = asks.filter(review__state=state)
    asks = _with_uptake(asks).order_by("-review__session__number", "review__state__name", "organisation__name", "pk")
    reviews: dict[int, ReviewUptake] = {}
    for ask in asks:
        entry = reviews.setdefault(ask.review_id, ReviewUptake(review=ask.review, held=ask.review_held, asks=[]))
        entry.asks.append(_ask_uptake(ask))
    return list(reviews.values())


def next_review(*, state: State, after_review: Review | None = None) -> Review | None:
    """The State's first review after `after_review`, or its latest review without one."""
    reviews = Review.objects.filter(state=state).select_related("state", "session")
    if after_review is None:
        return reviews.order_by("-session__number").first()
    if after_review.state_id != state.pk:
        raise ValueError("after_review is a review of another State.")
    later = Review.objects.filter(pk=after_review.pk).values("session__number")
    return reviews.filter(session__number__gt=later).order_by("session__number").first()


def proposals_for_briefing(*, state: State, after_review: Review | None = None, user=None) -> list[AskUptake]:
    """Civil society's asks for the State's review after `after_review` (or its latest review), with uptake.

    Public asks plus the user's organisations' private ones, oldest first; each
    AskUptake says whether the review has happened (`held`) and, if so, which
    recommendations took the ask up and which lobbied States made them. Empty
    when there is no such review. Queries: the review, the user's roles, then
    `_with_uptake`'s five.
    """
    review = next_review(state=state, after_review=after_review)
    if review is None:
        return []
    asks = visible_proposals(ProposedRecommendation.objects.filter(review=review), user)
    return [_ask_uptake(ask) for ask in _with_uptake(asks).order_by("organisation__name", "pk")]
