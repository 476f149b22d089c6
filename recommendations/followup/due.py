"""An organisation's follow-up list: the recommendations it follows (to its followed States, on its followed
themes; both when it follows both) that it has not assessed, or not in the last `months`, the States reviewed
soonest first.

A State is reviewed about every 4.5 years: its next review is expected then after the session of its last one
(or 9, 13.5 … years after when that date is past: the reviews between were not loaded), shown as the loaded
session nearest that date; once a review of the State in a session not started yet is loaded,
that session is shown instead. Six queries whatever the list's length: the followed States and themes, the States
listed, their reviews, the sessions and one page of recommendations (and a count when the page is full).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Exists, IntegerField, Max, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from recommendations.models import ImplementationAssessment, Organisation, Publication, Recommendation, Review, Session

REVIEW_INTERVAL = datetime.timedelta(days=round(365.25 * 4.5))
# A session counts as the expected one when it starts within this of the expected date.
SESSION_TOLERANCE = datetime.timedelta(days=183)
DEFAULT_MONTHS = 12
LIMIT = 50


@dataclass(frozen=True)
class NextReview:
    on: datetime.date  # the session's first day, or the expected date when no session is near it
    session: Session | None
    scheduled: bool  # a review of the State in that session is loaded (not only expected)


@dataclass
class DueList:
    rows: list  # recommendations, each with .next_review (NextReview or None) and .last_assessed (date or None)
    total: int
    months: int


def _cutoff(months: int, today: datetime.date) -> datetime.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return today.replace(year=year, month=month + 1, day=min(today.day, 28))


def followed(organisation: Organisation):
    """The recommendations the organisation follows (none when it follows nothing)."""
    states = list(organisation.followed_states.values_list("pk", flat=True))
    themes = list(organisation.followed_themes.values_list("pk", flat=True))
    if not states and not themes:
        return Recommendation.objects.none()
    wanted = Q(state_under_review_id__in=states) if states else Q()
    if themes:
        wanted &= Q(
            pk__in=Recommendation.themes.through.objects.filter(theme_id__in=themes).values("recommendation_id")
        )
    return Recommendation.objects.filter(wanted)


def next_reviews(state_ids, today: datetime.date) -> dict[int, NextReview]:
    """Each State's next review: a loaded review in a session not started yet, else 4.5 years after its last."""
    sessions = list(Session.objects.order_by("start_date"))
    found: dict[int, NextReview] = {}
    last: dict[int, Session] = {}
    for review in (
        Review.objects.filter(state_id__in=state_ids).select_related("session").order_by("session__start_date")
    ):
        if review.session.start_date > today:
            found.setdefault(review.state_id, NextReview(review.session.start_date, review.session, True))
        else:
            last[review.state_id] = review.session
    for state_id, session in last.items():
        if state_id not in found:
            found[state_id] = _expected(_after(session.start_date, today), sessions)
    return found


def _after(last: datetime.date, today: datetime.date) -> datetime.date:
    """The first date 4.5 years, 9 years … after `last` that is not past (reviews in between were not loaded)."""
    expected = last + REVIEW_INTERVAL
    while expected < today:
        expected += REVIEW_INTERVAL
    return expected


def _expected(on: datetime.date, sessions: list[Session]) -> NextReview:
    near = [s for s in sessions if abs(s.start_date - on) <= SESSION_TOLERANCE]
    session = min(near, key=lambda s: abs(s.start_date - on)) if near else None
    return NextReview(session.start_date if session else on, session, False)


def due(organisation: Organisation, *, months: int = DEFAULT_MONTHS, today=None, limit: int = LIMIT) -> DueList:
    today = today or timezone.localdate()
    theirs = ImplementationAssessment.objects.filter(recommendation=OuterRef("pk"), organisation=organisation).exclude(
        state=Publication.REJECTED
    )
    recent = theirs.filter(assessed_on__gte=_cutoff(months, today))
    candidates = followed(organisation).filter(~Exists(recent))
    state_ids = list(candidates.order_by().values_list("state_under_review_id", flat=True).distinct())
    reviews = next_reviews(state_ids, today)
    far = datetime.date.max
    ranked = sorted(state_ids, key=lambda pk: (reviews[pk].on if pk in reviews else far, pk))
    rank = Case(
        *(When(state_under_review_id=pk, then=Value(i)) for i, pk in enumerate(ranked)), output_field=IntegerField()
    )
    last = theirs.order_by().values("recommendation").annotate(on=Max("assessed_on")).values("on")
    page = (
        candidates.select_related("review__state", "review__session")
        .annotate(rank=rank, last_assessed=Subquery(last))
        .order_by("rank", "-session_number", "paragraph", "pk")[:limit]
        if state_ids
        else []
    )
    rows = list(page)
    for row in rows:
        row.next_review = reviews.get(row.state_under_review_id)
    total = len(rows) if len(rows) < limit else candidates.count()
    return DueList(rows=rows, total=total, months=months)
