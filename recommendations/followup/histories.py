"""Chains of confirmed repeats, as the public pages and briefings tell them."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.urls import reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from recommendations.models import ImplementationStatus, Recommendation, RepeatLink, Review, Session, session_label

_TABLES = {
    "recommendation": Recommendation._meta.db_table,
    "review": Review._meta.db_table,
    "session": Session._meta.db_table,
    "link": RepeatLink._meta.db_table,
}


@dataclass(frozen=True)
class RepeatStep:
    """One recommendation of a chain of repeats."""

    recommendation_id: int
    url: str
    session: int
    year: int
    paragraph: str
    text: str
    current_status: str

    @property
    def label(self) -> str:
        """ "7th session (2010)", as Session's __str__."""
        return session_label(self.session, self.year)


@dataclass(frozen=True)
class RepeatHistory:
    """A chain of confirmed repeats, oldest first, and the sentence that tells it."""

    steps: tuple[RepeatStep, ...]
    sentence: str
    status: str = ""  # the latest assessed recommendation's current_status ("" when none is assessed)
    years: tuple[int, ...] = field(default=())  # the distinct review years, in order
    sessions: tuple[int, ...] = field(default=())  # the distinct session numbers, in order

    def others(self, recommendation_id: int) -> list[RepeatStep]:
        return [step for step in self.steps if step.recommendation_id != recommendation_id]


# The recommendations connected to each given one through confirmed links (either direction, any
# distance). UNION, not UNION ALL: a node already reached is not walked again, so cycles end.
_CHAINS_SQL = """
WITH RECURSIVE chain(root, node) AS (
    SELECT id, id FROM unnest(%s::bigint[]) AS start(id)
    UNION
    SELECT c.root, CASE WHEN k.earlier_id = c.node THEN k.later_id ELSE k.earlier_id END
      FROM chain c
      JOIN {link} k ON (k.earlier_id = c.node OR k.later_id = c.node) AND k.status = 'confirmed'
)
SELECT c.root, r.id, r.paragraph, r.text, r.current_status, se.number, se.start_date
  FROM chain c
  JOIN {recommendation} r ON r.id = c.node
  JOIN {review} v ON v.id = r.review_id
  JOIN {session} se ON se.id = v.session_id
 ORDER BY c.root, se.number, r.id
"""


def repeat_histories(recommendation_ids: Iterable[int]) -> dict[int, RepeatHistory]:
    """{id: its chain of confirmed repeats} for the given ids that belong to one; others are absent.

    One query whatever the number of ids (a recursive walk over the
    confirmed links). Suggested and dismissed links are not followed.
    """
    ids = sorted({int(pk) for pk in recommendation_ids})
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_CHAINS_SQL.format(**_TABLES), [ids])
        rows = cursor.fetchall()
    members: dict[int, list[RepeatStep]] = {}
    for root, pk, paragraph, text, status, session, start_date in rows:
        url = reverse("recommendations:detail", args=[pk])
        step = RepeatStep(pk, url, session, start_date.year, paragraph, text, status)
        members.setdefault(root, []).append(step)
    return {root: _history(steps) for root, steps in members.items() if len(steps) > 1}


def _history(steps: list[RepeatStep]) -> RepeatHistory:
    years = tuple(dict.fromkeys(step.year for step in steps))
    # The latest recommendation is often not assessed yet (it was just made); the latest
    # assessed one in the chain then says how far the shared ask got, and the sentence says which.
    assessed = next((step for step in reversed(steps) if step.current_status), None)
    status = assessed.current_status if assessed else ""
    as_of = assessed.year if assessed and assessed is not steps[-1] else None
    return RepeatHistory(
        steps=tuple(steps),
        sentence=history_sentence(years, status, assessed_year=as_of),
        status=status,
        years=years,
        sessions=tuple(dict.fromkeys(step.session for step in steps)),
    )


def history_sentence(years: tuple[int, ...], status: str, *, assessed_year: int | None = None) -> str:
    """ "First recommended in 2010, repeated in 2014 and 2019; not implemented".

    `assessed_year`: the status is that of an earlier recommendation of the chain,
    made that year ("…; not implemented (as assessed for 2010)").
    """
    label = ImplementationStatus(status).label.lower() if status else _("no assessment yet")
    if assessed_year is not None:
        label = _("%(status)s (as assessed for %(year)s)") % {"status": label, "year": assessed_year}
    if len(years) == 1:
        return _("Recommended more than once in %(year)s; %(status)s") % {"year": years[0], "status": label}
    later = get_text_list([str(year) for year in years[1:]], _("and"))
    return _("First recommended in %(first)s, repeated in %(later)s; %(status)s") % {
        "first": years[0],
        "later": later,
        "status": label,
    }
