"""Builders for the public site's tests: reviews, recommendations, assessments and evidence in one call each.

Plain functions rather than fixtures so the view tests and the browser tests
build their own small worlds next to the test that reads them.
"""

import datetime

from recommendations import services
from recommendations.models import (
    SDG,
    AffectedGroup,
    EvidenceSource,
    Organisation,
    Recommendation,
    Review,
    Session,
    Theme,
)
from states.models import State

D = datetime.date


def theme(name: str, scheme: str = "upr-info") -> Theme:
    return Theme.objects.get(scheme__slug=scheme, name=name)


def group(name: str) -> AffectedGroup:
    return AffectedGroup.objects.get(name=name)


def review(iso3: str, session: int, **fields) -> Review:
    return Review.objects.create(
        state=State.objects.get(iso3=iso3), session=Session.objects.get(number=session), **fields
    )


def recommendation(
    on: Review,
    text: str,
    *,
    by: tuple[str, ...] = ("NOR",),
    response: str = "",
    source: str = "",
    themes: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    sdgs: tuple[int, ...] = (),
    **fields,
) -> Recommendation:
    """A recommendation to `on`'s State from the States `by` (ISO3), with its response recorded as a position."""
    made = Recommendation.objects.create(review=on, text=text, **fields)
    made.recommending_states.set(State.objects.filter(iso3__in=by))
    made.themes.set([theme(name) for name in themes])
    made.affected_groups.set([group(name) for name in groups])
    made.sdgs.set(SDG.objects.filter(number__in=sdgs))
    if response:
        services.record_position(recommendation=made, response=response, source=source)
        made.refresh_from_db()
    return made


def organisation(name: str = "Defenders Watch") -> Organisation:
    return Organisation.objects.get_or_create(name=name)[0]


def evidence(title: str, **fields) -> EvidenceSource:
    fields.setdefault("publisher", "Human Rights Watch")
    return EvidenceSource.objects.create(title=title, **fields)


def assess(
    made: Recommendation, status: str, on: datetime.date, *, by: Organisation | None = None, narrative="", cites=()
):
    """Record an assessment; `cites` are (evidence, excerpt, page) triples."""
    assessment = services.record_assessment(
        recommendation=made,
        status=status,
        assessed_on=on,
        organisation=by or organisation(),
        narrative=narrative,
        citations=list(cites),
    )
    made.refresh_from_db()
    return assessment
