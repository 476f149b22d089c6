"""Everything a briefing page and its PDF show, computed from the tracked data in a fixed number of queries."""

import datetime
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import (
    get_language,
    get_language_info,
    get_supported_language_variant,
    pgettext,
    pgettext_lazy,
)
from django.utils.translation import gettext as _

from recommendations import advocacy, permissions
from recommendations.advocacy import AskUptake
from recommendations.briefings.filters import Filters
from recommendations.briefings.words import opening_sentence, other_responses_sentence, topic_words
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
    Review,
    Theme,
)
from recommendations.models.briefing import FALLBACK_LANGUAGE
from states.models import State

PUBLISHED = Publication.PUBLISHED

# A language's name as it reads inside a sentence of that language ("disponible en français"): the fallback
# notes name the page's own language. A language missing here is named as Django names it.
LANGUAGE_IN_SENTENCE = {
    "en": pgettext_lazy("language name inside a sentence", "English"),
    "fr": pgettext_lazy("language name inside a sentence", "French"),
    "es": pgettext_lazy("language name inside a sentence", "Spanish"),
}


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


@dataclass(frozen=True)
class OwnText:
    """An introduction or a conclusion as the page shows it: in the page's language when the organisation wrote
    it in that language, else in English (or, failing that, another language it wrote it in) with a note."""

    text: str
    language: str  # the language `text` is in: the page marks it with lang=
    note: str = ""  # "This introduction is not yet available in French.", when `text` is in another language

    def __bool__(self) -> bool:
        return bool(self.text)


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
    texts: Briefing | None  # the organisation's texts shown, if any
    generated_on: datetime.datetime
    proposals: list[AskUptake]  # civil society's asks for the next review (recommendations.advocacy)
    language: str = FALLBACK_LANGUAGE  # the page's language, which the organisation's texts are chosen in

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def topic(self) -> str:
        return topic_words(self.filters)

    @property
    def opening(self) -> str:
        return opening_sentence(state=self.state, review=self.review, filters=self.filters, counts=self.counts)

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
        """The organisation's title in the page's language, else the generated one (always in that language)."""
        own = self.texts.text("title", self.language) if self.texts is not None else ""
        if own:
            return own
        subject = pgettext("list separator", ", ").join(value for _label, value in self.filters.in_words())
        if subject:
            return _("%(state)s: UPR briefing — %(subject)s") % {"state": self.state.localized_name, "subject": subject}
        return _("%(state)s: UPR briefing") % {"state": self.state.localized_name}

    @property
    def introduction(self) -> OwnText:
        # Translators: %(language)s is the page's language as named inside a sentence (e.g. "français").
        missing = _("This introduction is not yet available in %(language)s.")
        return own_text(self.texts, "introduction", self.language, missing)

    @property
    def conclusion(self) -> OwnText:
        # Translators: %(language)s is the page's language as named inside a sentence (e.g. "français").
        missing = _("This conclusion is not yet available in %(language)s.")
        return own_text(self.texts, "conclusion", self.language, missing)


def page_language() -> str:
    """The active language as one of settings.LANGUAGES ("fr" for "fr-ch"), English when it is none of them."""
    try:
        return get_supported_language_variant(get_language() or FALLBACK_LANGUAGE)
    except LookupError:
        return FALLBACK_LANGUAGE


def own_text(texts: Briefing | None, part: str, language: str, missing: str) -> OwnText:
    """`part` of `texts` in `language`; else in English, else in the first language that has it, with the note
    `missing` % {"language": the name of `language`}."""
    if texts is None:
        return OwnText("", language)
    if texts.text(part, language):
        return OwnText(texts.text(part, language), language)
    for other in [FALLBACK_LANGUAGE, *texts.languages]:
        if texts.text(part, other):
            name = LANGUAGE_IN_SENTENCE.get(language) or get_language_info(language)["name_translated"]
            return OwnText(texts.text(part, other), other, missing % {"language": name})
    return OwnText("", language)


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
    language = page_language()
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
        texts=_texts(state, filters, user, language),
        generated_on=timezone.now(),
        proposals=_proposals(state, review, theme, user),
        language=language,
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


def _texts(state: State, filters: Filters, user, language: str) -> Briefing | None:
    """The organisation's texts to show.

    With `by`: that organisation's, when published or when the user writes
    for it. Otherwise the user's own organisations' (draft or not) first,
    then those written in the page's language, then the most recently
    updated published ones.
    """
    briefings = Briefing.objects.filter(state=state, **filters.data).select_related("organisation")
    briefings = permissions.visible(briefings, user)
    if filters.by is not None:
        return briefings.filter(organisation=filters.by).first()
    in_language = Case(When(texts__has_key=language, then=Value(1)), default=Value(0), output_field=IntegerField())
    briefings = briefings.annotate(in_language=in_language)
    own = permissions.organisations_for(user)
    if not own:
        return briefings.order_by("-in_language", "-published", "-updated_at", "-pk").first()
    mine = When(organisation_id__in=own, then=Value(1))
    return (
        briefings.annotate(own=Case(mine, default=Value(0), output_field=IntegerField()))
        .order_by("-own", "-in_language", "-updated_at", "-pk")
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
