"""Everything a briefing page and its PDF show, computed from the tracked data in a fixed number of queries."""

import datetime
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recommendations import advocacy, permissions
from recommendations.advocacy import AskUptake
from recommendations.briefings.filters import Filters
from recommendations.followup import RepeatHistory, repeat_histories
from recommendations.models import (
    AffectedGroup,
    Briefing,
    Cycle,
    EvidenceSource,
    ImplementationAssessment,
    Organisation,
    Publication,
    Recommendation,
    Response,
    Review,
    Theme,
    ordinal,
)
from states.models import State

PUBLISHED = Publication.PUBLISHED


@dataclass
class Note:
    """One evidence source, numbered in order of first citation; cited twice, it keeps its number."""

    number: int
    evidence: EvidenceSource
    first_ref: str  # the id of its first marker, for the note's link back
    passages: list[tuple[str, str]] = field(default_factory=list)  # (excerpt, page), distinct, in citing order

    @property
    def link(self) -> str:
        """The source's address when it is a web address (never a javascript: or data: URL)."""
        url = self.evidence.url
        return url if url.lower().startswith(("https://", "http://")) else ""


@dataclass
class Marker:
    note: Note
    ref_id: str  # unique in the page: the note links back to the first


@dataclass
class AssessmentEntry:
    assessment: ImplementationAssessment
    markers: list[Marker]  # after the narrative, in citing order

    @property
    def is_public(self) -> bool:
        return self.assessment.state == PUBLISHED


@dataclass
class Item:
    number: int  # 1, 2, 3 … through the whole briefing
    recommendation: Recommendation
    other_themes: list[Theme]
    assessments: list[AssessmentEntry]
    repeats: RepeatHistory | None = None  # confirmed repeats in the State's other reviews


@dataclass
class Section:
    theme: Theme | None  # None: recommendations without a theme
    items: list[Item]


@dataclass
class BriefingData:
    state: State
    filters: Filters
    review: Review | None
    counts: dict[str, int]  # response ("" for none recorded) → recommendations of the review matching the filters
    sections: list[Section]
    notes: list[Note]
    texts: Briefing | None  # the introduction and conclusion shown, if any
    generated_on: datetime.datetime
    proposals: list[AskUptake]  # civil society's asks for the next review (recommendations.advocacy)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def topic(self) -> str:
        return topic_words(self.filters)

    @property
    def opening(self) -> str:
        return opening_sentence(self)

    @property
    def other_responses(self) -> str:
        return other_responses_sentence(self.counts)

    @property
    def filters_in_words(self) -> list[tuple[str, str]]:
        return self.filters.in_words()

    @property
    def texts_are_draft(self) -> bool:
        return self.texts is not None and not self.texts.published

    @property
    def title(self) -> str:
        if self.texts is not None and self.texts.title:
            return self.texts.title
        subject = ", ".join(value for _label, value in self.filters.in_words())
        return _("%(state)s: UPR briefing") % {"state": self.state.localized_name} + (
            f" — {subject}" if subject else ""
        )


def build_briefing(
    *,
    state: State,
    theme: Theme | None = None,
    affected_group: AffectedGroup | None = None,
    cycle: Cycle | None = None,
    user=None,
    by: Organisation | None = None,
) -> BriefingData:
    """The briefing on `state`'s last review within the filters, as `user` may see it.

    The last review is the latest session (within `cycle`) that has a
    recommendation matching `theme` and `affected_group`, else the latest
    session. Queries: the review; the recommendations; their recommending
    States, themes, visible assessments and those assessments' citations (one
    prefetch each: Recommendation.objects.with_related); the introduction and conclusion; the proposals for the
    next review (advocacy.proposals_for_briefing's fixed count) — whatever the
    number of recommendations.
    """
    filters = Filters(theme=theme, affected_group=affected_group, cycle=cycle, by=by)
    review = _last_review(state, filters)
    recommendations = _recommendations(review, filters, user) if review else []
    sections = _sections(recommendations, theme)
    _add_repeats(sections)
    return BriefingData(
        state=state,
        filters=filters,
        review=review,
        counts=Counter(r.response for r in recommendations),
        sections=sections,
        notes=_number_notes(sections),
        texts=_texts(state, filters, user),
        generated_on=timezone.now(),
        proposals=_proposals(state, review, theme, user),
    )


def _matching(filters: Filters) -> Q:
    condition = Q()
    if filters.theme:
        through = Recommendation.themes.through.objects.filter(theme=filters.theme)
        condition &= Q(pk__in=through.values("recommendation_id"))
    if filters.affected_group:
        through = Recommendation.affected_groups.through.objects.filter(affectedgroup=filters.affected_group)
        condition &= Q(pk__in=through.values("recommendation_id"))
    return condition


def _last_review(state: State, filters: Filters) -> Review | None:
    reviews = Review.objects.filter(state=state).select_related("state", "session__cycle")
    if filters.cycle:
        reviews = reviews.filter(session__cycle=filters.cycle)
    matching = Recommendation.objects.filter(_matching(filters), review=OuterRef("pk"))
    return reviews.annotate(matches=Exists(matching)).order_by("-matches", "-session__number").first()


def _recommendations(review: Review, filters: Filters, user) -> list[Recommendation]:
    oldest_first = permissions.visible(ImplementationAssessment.objects.all(), user).order_by("assessed_on", "id")
    rows = Recommendation.objects.filter(_matching(filters), review=review).with_related(assessments=oldest_first)
    return sorted(rows, key=_paragraph_order)


def _paragraph_order(recommendation: Recommendation) -> tuple:
    """Paragraphs in reading order (128.9 before 128.45), those without one last, then by id."""
    paragraph = recommendation.paragraph
    natural = tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", paragraph))
    return (paragraph == "", natural, recommendation.pk)


def _sections(recommendations: list[Recommendation], preferred: Theme | None) -> list[Section]:
    """Each recommendation once, under the theme most of the remaining ones share (see the module docstring)."""
    remaining, groups = list(recommendations), []
    while remaining:
        counts = Counter(theme for r in remaining for theme in r.themes.all())
        if not counts:
            groups.append((None, remaining))
            break
        best = min(counts, key=lambda t: (t != preferred, -counts[t], t.name.casefold(), t.pk))
        groups.append((best, [r for r in remaining if best in r.themes.all()]))
        remaining = [r for r in remaining if best not in r.themes.all()]
    numbers = itertools.count(1)
    return [Section(theme, [_item(next(numbers), r, theme) for r in group]) for theme, group in groups]


def _item(number: int, recommendation: Recommendation, theme: Theme | None) -> Item:
    others = [t for t in recommendation.themes.all() if t != theme]
    entries = [AssessmentEntry(a, []) for a in recommendation.visible_assessments]
    return Item(number, recommendation, others, entries)


def _add_repeats(sections: list[Section]) -> None:
    """Attach each recommendation's confirmed repeat history (one query for the whole briefing)."""
    items = [item for section in sections for item in section.items]
    histories = repeat_histories(item.recommendation.pk for item in items)
    for item in items:
        item.repeats = histories.get(item.recommendation.pk)


def _number_notes(sections: list[Section]) -> list[Note]:
    """Number the evidence in reading order and put each assessment's markers after its narrative."""
    notes: dict[int, Note] = {}
    for section in sections:
        for item in section.items:
            for entry in item.assessments:
                _cite(entry, notes)
    return list(notes.values())


def _cite(entry: AssessmentEntry, notes: dict[int, Note]) -> None:
    for citation in entry.assessment.citations.all():
        ref_id = f"ref-{entry.assessment.pk}-{citation.evidence_id}"
        note = notes.setdefault(citation.evidence_id, Note(len(notes) + 1, citation.evidence, ref_id))
        passage = (citation.excerpt, citation.page)
        if any(passage) and passage not in note.passages:
            note.passages.append(passage)
        if all(marker.note is not note for marker in entry.markers):
            entry.markers.append(Marker(note, ref_id))
    entry.markers.sort(key=lambda marker: marker.note.number)  # "1, 2" rather than "2, 1"


def _texts(state: State, filters: Filters, user) -> Briefing | None:
    """The introduction and conclusion to show.

    With `by`: that organisation's, when published or when the user writes
    for it. Otherwise the user's own organisations' (draft or not) first,
    then the most recently updated published one.
    """
    briefings = Briefing.objects.filter(state=state, **filters.data).select_related("organisation")
    briefings = permissions.visible(briefings, user)
    if filters.by is not None:
        return briefings.filter(organisation=filters.by).first()
    own = permissions.organisations_for(user)
    if not own:
        return briefings.order_by("-published", "-updated_at", "-pk").first()
    mine = When(organisation_id__in=own, then=Value(1))
    return (
        briefings.annotate(own=Case(mine, default=Value(0), output_field=IntegerField()))
        .order_by("-own", "-updated_at", "-pk")
        .first()
    )


def _proposals(state: State, review: Review | None, theme: Theme | None, user) -> list[AskUptake]:
    """Civil society's asks for the review after this one, with their uptake once it was held.

    Without a review there is no "next" one. With a theme filter, only the
    asks tagged with that theme (their themes are prefetched: no query).
    """
    if review is None:
        return []
    asks = advocacy.proposals_for_briefing(state=state, after_review=review, user=user)
    if theme is not None:
        asks = [ask for ask in asks if theme in ask.proposal.themes.all()]
    return asks


# Words -----------------------------------------------------------------------


def _as_topic(name: str) -> str:
    """A name inside a sentence: "Human rights defenders" → "human rights defenders"; "UPR process" kept."""
    first = name.split(" ", 1)[0]
    return name if first[1:] != first[1:].lower() else name[:1].lower() + name[1:]


def topic_words(filters: Filters) -> str:
    """E.g. " on human rights defenders", " on freedom of the press concerning journalists", or "" without filters."""
    if filters.theme and filters.affected_group:
        return _(" on %(theme)s concerning %(group)s") % {
            "theme": _as_topic(filters.theme.localized_name),
            "group": _as_topic(filters.affected_group.localized_name),
        }
    if filters.theme or filters.affected_group:
        return _(" on %(topic)s") % {"topic": _as_topic((filters.theme or filters.affected_group).localized_name)}
    return ""


def opening_sentence(briefing: BriefingData) -> str:
    """E.g. "In its last review, in 2010 (7th session), Kazakhstan received 7 recommendations on human rights
    defenders and supported 7 of them."

    Counted from the recommendations the briefing lists, so the sentence and the list always agree.
    """
    review = briefing.review
    if review is None:
        return _("No review of %(state)s has been recorded yet%(cycle)s.") % {
            "state": briefing.state.localized_name,
            "cycle": _(" in cycle %(number)d") % {"number": briefing.filters.cycle.number}
            if briefing.filters.cycle
            else "",
        }
    values = {
        "year": review.review_date.year if review.review_date else review.session.year,
        "session": ordinal(review.session.number),
        "state": briefing.state.localized_name,
        "count": briefing.total,
        "topic": briefing.topic,
        "supported": briefing.counts[Response.SUPPORTED],
    }
    start = _("In its last review, in %(year)s (%(session)s session), %(state)s") % values
    if not briefing.total:
        return start + _(" received no recommendations%(topic)s.") % values
    if briefing.total == 1:
        rest = (
            _(" received one recommendation%(topic)s, which it supported.")
            if values["supported"]
            else _(" received one recommendation%(topic)s, which it did not support.")
        )
    else:
        # The singular serves languages whose "one" form also covers 21, 31 …
        rest = ngettext(
            " received %(count)d recommendation%(topic)s and supported %(supported)d of them.",
            " received %(count)d recommendations%(topic)s and supported %(supported)d of them.",
            briefing.total,
        )
    return start + rest % values


def other_responses_sentence(counts: dict[str, int]) -> str:
    """E.g. "Other responses: 2 noted, 1 without a recorded response."; "" when every one was supported."""
    parts = [
        f"{counts[key]} {Response(key).label.lower()}"
        if key
        else _("%(count)d without a recorded response") % {"count": counts[key]}
        for key in [Response.NOTED, Response.PARTIALLY_SUPPORTED, Response.PENDING, ""]
        if counts.get(key)
    ]
    return _("Other responses: %(parts)s.") % {"parts": ", ".join(parts)} if parts else ""


# Writing the texts -------------------------------------------------------------
