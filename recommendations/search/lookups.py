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

Names are English, as stored. localized() names the same rows in the reader's
language (core/localized.py: each row's name_translations, CLDR for States),
kept per language under the same data version: labelling a facet or a
representation in French costs no query per row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db import connections

from core import counts
from core.localized import language_key, translated
from recommendations.models import Recommendation
from states.models import state_name

_SQL = """
SELECT
  (SELECT json_agg(json_build_array(s.id, s.iso3, s.name, s.iso2, s.name_translations) ORDER BY s.name, s.id)
     FROM states_state s),
  (SELECT json_agg(json_build_array(g.id, g.code, g.name, g.name_translations,
                   (SELECT json_agg(s.id) FROM states_state s WHERE s.regional_group_id = g.id)))
     FROM states_regionalgroup g),
  (SELECT json_agg(json_build_array(b.id, b.code, b.name, b.name_translations,
                   (SELECT json_agg(DISTINCT m.state_id) FROM states_blocmembership m WHERE m.bloc_id = b.id)))
     FROM states_bloc b),
  (SELECT json_agg(json_build_array(sc.id, sc.slug)) FROM recommendations_themescheme sc),
  (SELECT json_agg(json_build_array(th.id, sc.slug, th.code, th.name, th.slug, th.name_translations)
                   ORDER BY sc.name, th.code, th.name, th.id)
     FROM recommendations_theme th JOIN recommendations_themescheme sc ON sc.id = th.scheme_id),
  (SELECT json_agg(json_build_array(g.id, g.slug, g.name, g.name_translations) ORDER BY g.name, g.id)
     FROM recommendations_affectedgroup g),
  (SELECT json_agg(json_build_array(g.id, g.number, g.name, g.name_translations) ORDER BY g.number)
     FROM recommendations_sdg g),
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
    """Each table as id -> (position in the model's order, its public parts), and code or slug -> ids.

    Names are English, as stored; `in_language` gives the same tables named in another language.
    """

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
    regional_group_names: dict[str, str]  # code -> name
    bloc_names: dict[str, str]  # code -> name
    # Each regional group's States and each bloc's members (ids), by the group's or bloc's id.
    regional_group_states: dict[int, list[int]] = field(default_factory=dict)
    bloc_states: dict[int, list[int]] = field(default_factory=dict)
    # Languages of recommendation texts other than English (a search stems its words for each: search/text.py).
    other_languages: frozenset[str] = frozenset()
    # What naming them in another language takes: each table's rows' name_translations (and a State's iso2,
    # for its CLDR name), by id; groups and blocs by code.
    translations: dict[str, dict] = field(default_factory=dict, repr=False)

    def in_language(self, language: str) -> Lookups:
        """The same tables, names in `language` (English where a row has no name in it)."""
        names = self.translations
        return replace(
            self,
            states={
                pk: (position, iso3, state_name(name, *names["states"][pk], language))
                for pk, (position, iso3, name) in self.states.items()
            },
            themes={
                pk: (position, {**theme, "name": translated(theme["name"], names["themes"][pk], language)})
                for pk, (position, theme) in self.themes.items()
            },
            affected_groups={
                pk: (position, slug, translated(name, names["affected_groups"][pk], language))
                for pk, (position, slug, name) in self.affected_groups.items()
            },
            sdgs={
                pk: (position, number, translated(name, names["sdgs"][pk], language))
                for pk, (position, number, name) in self.sdgs.items()
            },
            regional_group_names={
                code: translated(name, names["regional_groups"][code], language)
                for code, name in self.regional_group_names.items()
            },
            bloc_names={
                code: translated(name, names["blocs"][code], language) for code, name in self.bloc_names.items()
            },
        )


def current() -> Lookups:
    """The reference tables as of the data version this request reads (read again after any write), named in
    English: what filters resolve and exports write."""
    return counts.kept("lookups", _load)


def localized() -> Lookups:
    """current(), named in the active language (kept per language under the same data version)."""
    english = current()
    language = language_key()
    if language is None:
        return english
    return counts.kept(f"lookups:{language}", lambda: english.in_language(language))


def _load() -> Lookups:
    with connections[Recommendation.objects.db].cursor() as cursor:
        cursor.execute(_SQL)
        states, groups, blocs, schemes, themes, affected, sdgs, sessions, languages = (
            rows or [] for rows in cursor.fetchone()
        )
    theme_ids = grouped(
        pair for pk, scheme, _code, _name, slug, _t in themes for pair in ((slug, pk), (f"{scheme}:{slug}", pk))
    )
    return Lookups(
        states={pk: (position, iso3, name) for position, (pk, iso3, name, _iso2, _t) in enumerate(states)},
        themes={
            pk: (position, {"id": pk, "scheme": scheme, "code": code, "name": name, "slug": slug})
            for position, (pk, scheme, code, name, slug, _t) in enumerate(themes)
        },
        affected_groups={pk: (position, slug, name) for position, (pk, slug, name, _t) in enumerate(affected)},
        sdgs={pk: (position, number, name) for position, (pk, number, name, _t) in enumerate(sdgs)},
        sessions={
            number: Session(number, datetime.date.fromisoformat(start).year, cycle) for number, start, cycle in sessions
        },
        state_ids=grouped((iso3, pk) for pk, iso3, *_rest in states),
        # Codes as the filters read them, upper case: a bloc stored as "Commonwealth" is COMMONWEALTH.
        regional_group_ids=grouped((code.upper(), pk) for pk, code, *_rest in groups),
        bloc_ids=grouped((code.upper(), pk) for pk, code, *_rest in blocs),
        scheme_ids=grouped((slug, pk) for pk, slug in schemes),
        theme_ids=theme_ids,
        affected_group_ids=grouped((slug, pk) for pk, slug, *_rest in affected),
        regional_group_names={code.upper(): name for _pk, code, name, _t, _s in groups},
        bloc_names={code.upper(): name for _pk, code, name, _t, _s in blocs},
        regional_group_states={pk: members or [] for pk, _code, _name, _t, members in groups},
        bloc_states={pk: members or [] for pk, _code, _name, _t, members in blocs},
        translations={
            "states": {pk: (iso2, translations) for pk, _iso3, _name, iso2, translations in states},
            "themes": {row[0]: row[-1] for row in themes},
            "affected_groups": {row[0]: row[-1] for row in affected},
            "sdgs": {row[0]: row[-1] for row in sdgs},
            "regional_groups": {code.upper(): translations for _pk, code, _name, translations, _s in groups},
            "blocs": {code.upper(): translations for _pk, code, _name, translations, _s in blocs},
        },
        other_languages=frozenset(languages),
    )


def grouped(pairs: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    """(code, id) pairs as code -> ids."""
    found: dict[str, list[int]] = {}
    for code, pk in pairs:
        found.setdefault(code, []).append(pk)
    return found


def ordered(table: dict[int, tuple], ids: list[int] | None) -> list[tuple]:
    """The rows of `ids` in the model's order (ids no longer in the table are left out).

    Four calls per recommendation of a page: a list sorted in place costs half of sorted() over a generator."""
    if not ids:
        return []
    rows = [table[pk] for pk in ids if pk in table]
    rows.sort()
    return rows
