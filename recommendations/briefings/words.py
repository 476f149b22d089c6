"""What a briefing says in words: the opening sentence, the other responses, the topic, session ordinals.

Each sentence is one message with named placeholders, so that translators see it whole, in the active
language (the page's); the only values put into them are names (a State, a theme), numbers and noun phrases
(topic_words).
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from recommendations.briefings.filters import Filters
from recommendations.models import Response, Review, ordinal
from states.models import State


def _as_topic(name: str) -> str:
    """A name inside a sentence: "Human rights defenders" → "human rights defenders"; "UPR process" kept."""
    first = name.split(" ", 1)[0]
    return name if first[1:] != first[1:].lower() else name[:1].lower() + name[1:]


def topic_words(filters: Filters) -> str:
    """What the briefing is about, as a noun phrase ("human rights defenders", "freedom of the press concerning
    journalists"), or "" without a theme or affected group."""
    if filters.theme and filters.affected_group:
        return _("%(theme)s concerning %(group)s") % {
            "theme": _as_topic(filters.theme.localized_name),
            "group": _as_topic(filters.affected_group.localized_name),
        }
    if filters.theme or filters.affected_group:
        return _as_topic((filters.theme or filters.affected_group).localized_name)
    return ""


def opening_sentence(*, state: State, review: Review | None, filters: Filters, counts: Mapping[str, int]) -> str:
    """E.g. "In its last review, in 2010 (7th session), Kazakhstan received 7 recommendations on human rights
    defenders and supported 7 of them."

    `counts`: the briefing's recommendations by response, so the sentence and the list always agree.
    """
    if review is None:
        return _no_review_sentence(state, filters)
    total = sum(counts.values())
    values = {
        "year": review.review_date.year if review.review_date else review.session.year,
        "session": ordinal(review.session.number),
        "state": state.localized_name,
        "count": total,
        "topic": topic_words(filters),
        "supported": counts.get(Response.SUPPORTED, 0),
    }
    return _received_sentence(total, values["supported"], bool(values["topic"])) % values


def _no_review_sentence(state: State, filters: Filters) -> str:
    values = {"state": state.localized_name}
    if filters.cycle:
        values["number"] = filters.cycle.number
        return _("No review of %(state)s has been recorded yet in cycle %(number)d.") % values
    return _("No review of %(state)s has been recorded yet.") % values


def _received_sentence(total: int, supported: int, with_topic: bool) -> str:
    """The opening sentence's message for `total` recommendations, `supported` of them, on a topic or not."""
    if not total:
        if with_topic:
            return _(
                "In its last review, in %(year)s (%(session)s session), %(state)s received no recommendations "
                "on %(topic)s."
            )
        return _("In its last review, in %(year)s (%(session)s session), %(state)s received no recommendations.")
    if total == 1:
        return _one_received_sentence(bool(supported), with_topic)
    # ngettext even though total > 1: in some languages the "one" form also covers 21, 31 …
    if with_topic:
        return ngettext(
            "In its last review, in %(year)s (%(session)s session), %(state)s received %(count)d recommendation "
            "on %(topic)s and supported %(supported)d of them.",
            "In its last review, in %(year)s (%(session)s session), %(state)s received %(count)d recommendations "
            "on %(topic)s and supported %(supported)d of them.",
            total,
        )
    return ngettext(
        "In its last review, in %(year)s (%(session)s session), %(state)s received %(count)d recommendation "
        "and supported %(supported)d of them.",
        "In its last review, in %(year)s (%(session)s session), %(state)s received %(count)d recommendations "
        "and supported %(supported)d of them.",
        total,
    )


def _one_received_sentence(supported: bool, with_topic: bool) -> str:
    if with_topic and supported:
        return _(
            "In its last review, in %(year)s (%(session)s session), %(state)s received one recommendation on "
            "%(topic)s, which it supported."
        )
    if with_topic:
        return _(
            "In its last review, in %(year)s (%(session)s session), %(state)s received one recommendation on "
            "%(topic)s, which it did not support."
        )
    if supported:
        return _(
            "In its last review, in %(year)s (%(session)s session), %(state)s received one recommendation, "
            "which it supported."
        )
    return _(
        "In its last review, in %(year)s (%(session)s session), %(state)s received one recommendation, which it "
        "did not support."
    )


def _response_count(key: str, count: int) -> str:
    """E.g. "2 noted": the count of one response, with the plural form of the language."""
    values = {"count": count}
    if key == Response.NOTED:
        return ngettext("%(count)d noted", "%(count)d noted", count) % values
    if key == Response.PARTIALLY_SUPPORTED:
        return ngettext("%(count)d partially supported", "%(count)d partially supported", count) % values
    if key == Response.PENDING:
        return ngettext("%(count)d pending", "%(count)d pending", count) % values
    return ngettext("%(count)d without a recorded response", "%(count)d without a recorded response", count) % values


def other_responses_sentence(counts: Mapping[str, int]) -> str:
    """E.g. "Other responses: 2 noted, 1 without a recorded response."; "" when every one was supported."""
    parts = [
        _response_count(key, counts[key])
        for key in [Response.NOTED, Response.PARTIALLY_SUPPORTED, Response.PENDING, ""]
        if counts.get(key)
    ]
    # Translators: the separator between the counts of "Other responses: 2 noted, 1 pending."
    separator = pgettext("list separator", ", ")
    return _("Other responses: %(parts)s.") % {"parts": separator.join(parts)} if parts else ""
