"""The small reference tables (States, groups, blocs, themes, affected groups, SDGs, sessions), in memory,
and the languages the recommendation texts are in.

Nearly every request reads them: a filter turns ISO3 codes and slugs into ids,
a recommendation's representation names its States and themes. Joining them
in each statement cost more than reading the recommendations themselves
(bench/NOTES.md). So they are read whole, in one statement, and kept in the
process under the data version (counts.kept): any write, by whatever path,
moves the version and the next request reads them again. A few hundred rows,
read again in a few milliseconds (bench/NOTES.md); keyed on the tables they
come from, they survived writes to the others but needed a hand-kept list of
those tables, which could fall behind.

Lists are ordered as the models order them, by the database's collation: each
row carries its position in that order.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections

from core import counts
from recommendations.models import Recommendation

_SQL = """
SELECT
  (SELECT json_agg(json_build_array(s.id, s.iso3, s.name) ORDER BY s.name, s.id) FROM states_state s),
  (SELECT json_agg(json_build_array(g.id, g.code)) FROM states_regionalgroup g),
  (SELECT json_agg(json_build_array(b.id, b.code)) FROM states_bloc b),
  (SELECT json_agg(json_build_array(sc.id, sc.slug)) FROM recommendations_themescheme sc),
  (SELECT json_agg(json_build_array(th.id, sc.slug, th.code, th.name, th.slug)
                   ORDER BY sc.name, th.code, th.name, th.id)
     FROM recommendations_theme th JOIN recommendations_themescheme sc ON sc.id = th.scheme_id),
  (SELECT json_agg(json_build_array(g.id, g.slug, g.name) ORDER BY g.name, g.id) FROM recommendations_affectedgroup g),
  (SELECT json_agg(json_build_array(g.id, g.number, g.name) ORDER BY g.number) FROM recommendations_sdg g),
  (SELECT json_agg(json_build_array(se.number, se.start_date, cy.number))
     FROM recommendations_session se JOIN recommendations_cycle cy ON cy.id = se.cycle_id),
  -- The languages of the texts besides English: a probe of the partial index per language, however many rows.
  (WITH RECURSIVE used(language) AS (
       SELECT min(language) FROM recommendations_recommendation WHERE language <> 'en'
       UNION ALL
       SELECT (SELECT min(r.language) FROM recommendations_recommendation r
                WHERE r.language <> 'en' AND r.language > used.language)
         FROM used WHERE used.language IS NOT NULL)
   SELECT json_agg(language) FROM used WHERE language IS NOT NULL)
"""


@dataclass(frozen=True)
class Session:
    number: int
    year: int
    cycle: int


@dataclass(frozen=True)
class Lookups:
    """Each table as id -> (position in the model's order, its public parts), and code or slug -> ids."""

    states: dict[int, tuple[int, str, str]]  # id -> (position, iso3, name)
    themes: dict[int, tuple[int, dict]]  # id -> (position, the API's theme object)
    affected_groups: dict[int, tuple[int, str, str]]  # id -> (position, slug, name)
    sdgs: dict[int, tuple[int, int, str]]  # id -> (position, number, name)
    sessions: dict[int, Session]  # by number
    state_ids: dict[str, list[int]]
    regional_group_ids: dict[str, list[int]]
    bloc_ids: dict[str, list[int]]
    scheme_ids: dict[str, list[int]]
    theme_ids: dict[str, list[int]]  # slug (in every scheme) and scheme:slug
    affected_group_ids: dict[str, list[int]]
    # Languages of recommendation texts other than English (a search stems its words for each: search/text.py).
    other_languages: frozenset[str] = frozenset()


def current() -> Lookups:
    """The reference tables as of the data version this request reads (read again after any write)."""
    return counts.kept("lookups", _load)


def _load() -> Lookups:
    with connections[Recommendation.objects.db].cursor() as cursor:
        cursor.execute(_SQL)
        states, groups, blocs, schemes, themes, affected, sdgs, sessions, languages = (
            rows or [] for rows in cursor.fetchone()
        )
    theme_ids = grouped(
        pair for pk, scheme, _code, _name, slug in themes for pair in ((slug, pk), (f"{scheme}:{slug}", pk))
    )
    return Lookups(
        states={pk: (position, iso3, name) for position, (pk, iso3, name) in enumerate(states)},
        themes={
            pk: (position, {"id": pk, "scheme": scheme, "code": code, "name": name, "slug": slug})
            for position, (pk, scheme, code, name, slug) in enumerate(themes)
        },
        affected_groups={pk: (position, slug, name) for position, (pk, slug, name) in enumerate(affected)},
        sdgs={pk: (position, number, name) for position, (pk, number, name) in enumerate(sdgs)},
        sessions={
            number: Session(number, datetime.date.fromisoformat(start).year, cycle) for number, start, cycle in sessions
        },
        state_ids=grouped((iso3, pk) for pk, iso3, _name in states),
        regional_group_ids=grouped((code, pk) for pk, code in groups),
        bloc_ids=grouped((code, pk) for pk, code in blocs),
        scheme_ids=grouped((slug, pk) for pk, slug in schemes),
        theme_ids=theme_ids,
        affected_group_ids=grouped((slug, pk) for pk, slug, _name in affected),
        other_languages=frozenset(languages),
    )


def grouped(pairs: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    """(code, id) pairs as code -> ids."""
    found: dict[str, list[int]] = {}
    for code, pk in pairs:
        found.setdefault(code, []).append(pk)
    return found


def ordered(table: dict[int, tuple], ids: list[int] | None) -> list[tuple]:
    """The rows of `ids` in the model's order (ids no longer in the table are left out)."""
    return sorted(table[pk] for pk in ids or () if pk in table)
