"""Totals and facet counts of a search, from the count index: exact, and fast whatever the filters.

Each filter in use becomes the set of ids it selects: the union of the bitmaps of its values (a regional
group: of its States'; a cycle: of its sessions'), or, for the filters the index has no bitmaps for (search
words, updated_since), the ids PostgreSQL selects with the FilterSet's own condition, kept and patched by
the store. A total is the size of their intersection; a facet's counts are the sizes of each of its
values' bitmaps intersected with every filter but the facet's own (conventional faceting). At a million
recommendations that is a few thousand bitmap intersections, milliseconds, where counting in SQL took
seconds for the filters that select much (bench/NOTES.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import psycopg
from django.db import connections
from django.db.models import IntegerField, Q, QuerySet
from django.db.models.functions import Cast
from pyroaring import FrozenBitMap

from core import counts
from recommendations.models import Recommendation
from recommendations.search import lookups, text
from recommendations.search.filters import STATUS_CHOICES, RecommendationFilterSet
from recommendations.search.index import rows
from recommendations.search.index.snapshot import EMPTY, Snapshot, bitmap
from recommendations.search.index.store import STORE
from recommendations.search.query import And, Node, Not, Or, Term

Lookups = lookups.Lookups
# Other filters' matches below which a filter PostgreSQL answers is asked among them rather than over all the
# data (and kept): a query by primary key per match costs less than reading a common word's every match.
RESTRICTED_BELOW = 10_000
# A facet's values: (the parts that name the value, as facets.FACETS' labelling functions take them, its ids).
Values = Iterator[tuple[tuple, FrozenBitMap]]


class Search:
    """One search's filters over the index: what the page and the API count."""

    def __init__(self, filterset: RecommendationFilterSet, version: counts.DataVersion | None = None) -> None:
        version = counts.data_version() if version is None else version
        self.snapshot = STORE.current(version)
        self.own = not version.cacheable
        self.reference = lookups.current()
        self.filterset = filterset
        used = {
            name: value
            for name, value in filterset.form.cleaned_data.items()
            if name != "ordering" and value not in (None, "", [], ())
        }
        self.selected = {name: self._selection(name, value) for name, value in used.items() if name in FILTER_VALUES}
        # The filters PostgreSQL answers (search words, updated_since), asked when first needed.
        self.asked = {name: value for name, value in used.items() if name not in FILTER_VALUES}
        self._matched: dict[str | None, FrozenBitMap] = {}
        self._tested: dict[str, tuple[FrozenBitMap, FrozenBitMap]] = {}  # _asked: rows tested, rows selected

    def total(self, *, without: str | None = None) -> int:
        """How many recommendations match (every filter but `without`)."""
        return len(self._matching(without))

    def counts(self, facet: str) -> list[tuple[tuple, int]]:
        """(value parts, count) for each value of `facet` with a match under every filter but its own."""
        matching = self._matching(facet)
        every = len(matching) == len(self.snapshot.everything)
        found = []
        for parts, ids in FACET_VALUES[facet](self.snapshot, self.reference):
            count = len(ids) if every else matching.intersection_cardinality(ids)
            if count:
                found.append((parts, count))
        return found

    def ordered_ids(self, keys: list[str], start: int, stop: int) -> list[int] | None:
        """The ids of the matches start to stop (exclusive) in the order of `keys` (the FilterSet's ordering
        keys), when the index holds that order: by session (then id) or by id. None for another ordering,
        which PostgreSQL sorts. Walking the sessions' bitmaps picks a page without reading a row; PostgreSQL
        had to walk the session index and test each row against the filters (bench/NOTES.md)."""
        matching = self._matching(None)
        if keys == ["id"]:
            return list(matching[start:stop])
        if keys == ["-id"]:
            size = len(matching)
            return list(reversed(matching[max(size - stop, 0) : max(size - start, 0)]))
        if keys not in (["-session", "id"], ["session", "id"]) or not matching.issubset(self._with_session()):
            return None  # a recommendation without a session number sorts first in PostgreSQL: let it sort
        sessions, wanted, skip = self.snapshot.values["session"], stop - start, start
        found: list[int] = []
        for number in sorted(sessions, reverse=keys[0] == "-session"):
            in_session = matching & sessions[number]
            if skip >= len(in_session):
                skip -= len(in_session)
                continue
            found.extend(in_session[skip : skip + wanted - len(found)])
            skip = 0
            if len(found) == wanted:
                break
        return found

    def sorted_by_postgresql(self) -> QuerySet:
        """The matches for PostgreSQL to sort in an order the index does not hold (rank, State, action,
        dates): when few (RESTRICTED_BELOW), `id IN (…)` in the FilterSet's order instead of the filters'
        conditions, which for search words naming labels read every match of the words over all the data."""
        matching = self._matching(None)
        if len(matching) > RESTRICTED_BELOW:
            return self.filterset.qs
        return self.filterset.apply_ordering(Recommendation.objects.filter(id__in=list(matching)))

    def id_window(self, after: int | None, *, upwards: bool, size: int) -> list[int]:
        """`size` matching ids next to `after` (None: from the start) going up or down the ids: what a page
        of a list by id can hold, for a cursor's query to pick from."""
        matching = self._matching(None)
        if upwards:
            first = 0 if after is None else matching.rank(after)
            return list(matching[first : first + size])
        last = len(matching) if after is None else matching.rank(after - 1)
        return list(matching[max(last - size, 0) : last])

    def _with_session(self) -> FrozenBitMap:
        sessions = self.snapshot.values["session"]
        return _derived(self.snapshot, "with session", None, lambda: _union(list(sessions.values())))

    def _matching(self, without: str | None) -> FrozenBitMap:
        """The matches of every filter but `without`. A filter PostgreSQL answers is asked among the other
        filters' matches when they are few (RESTRICTED_BELOW): `q=women` with one State is a thousand rows
        to test, where the word's matches over all the data are 300,000 (bench/NOTES.md)."""
        key = without if without in self.selected or without in self.asked else None
        if key not in self._matched:
            chosen = [ids for name, ids in self.selected.items() if name != key]
            found = FrozenBitMap.intersection(self.snapshot.everything, *chosen) if chosen else self.snapshot.everything
            for name, value in self.asked.items():
                if name != key:
                    found = FrozenBitMap(found & self._asked(name, value, found))
            self._matched[key] = found
        return self._matched[key]

    def _asked(self, name: str, value, among: FrozenBitMap) -> FrozenBitMap:
        """The rows of `among` the filter selects. Rows this search has tested already (the total's, then a
        facet's, each under other filters) are not asked again: only those new to it."""
        if len(among) > RESTRICTED_BELOW:
            return self._selection(name, value)
        tested, selected = self._tested.get(name, (EMPTY, EMPTY))
        new = among - tested
        if new:
            if name == "q":  # tested on each of those rows (labels by EXISTS), not as every match's ids
                queryset = Recommendation.objects.filter(text.condition(self.filterset.search_node, narrowed=True))
            else:
                queryset = self.filterset.filters[name].filter(Recommendation.objects.all(), value)
            tested, selected = tested | new, selected | self._select(queryset, list(new))
            self._tested[name] = (tested, selected)
        return FrozenBitMap(among & selected)

    def _selection(self, name: str, value) -> FrozenBitMap:
        if name in FILTER_VALUES:
            return _union(FILTER_VALUES[name](self.snapshot, self.reference, value))
        if name == "q":
            return self._words(self.filterset.search_node)
        key = json.dumps([name, counts.normalised({name: value})])
        filtered = lambda: self.filterset.filters[name].filter(Recommendation.objects.all(), value)  # noqa: E731
        return STORE.selection(key, lambda ids: self._select(filtered(), ids), self.own)

    def _words(self, node: Node) -> FrozenBitMap:
        """The search words' matches: the parts that name no label are GIN matches in PostgreSQL (kept by
        the store); a term's labels are the index's own bitmaps; AND, OR and NOT are bitmap operations. In
        one SQL condition, `women` (a word and four labels) took seconds at a million rows (bench/NOTES.md)."""
        if not text.names_labels(node):
            return self._text(node)
        if isinstance(node, Term):
            return _union([self._text(node), *self._labelled(node)])
        if isinstance(node, Not):
            return FrozenBitMap(self.snapshot.everything - self._words(node.child))
        if isinstance(node, Or):
            return _union([self._words(child) for child in node.children])
        plain = tuple(child for child in node.children if not text.names_labels(child))
        parts = [self._text(And(plain))] if plain else []
        parts += [self._words(child) for child in node.children if text.names_labels(child)]
        return FrozenBitMap.intersection(*parts) if len(parts) > 1 else parts[0]

    def _text(self, node: Node) -> FrozenBitMap:
        """The ids whose text matches `node` (its words only, not the labels they name)."""
        key = json.dumps(["q", repr(node), sorted(self.reference.other_languages)])
        condition = Q(text.matches(text.search_query(node)))
        return STORE.selection(key, lambda ids: self._select(Recommendation.objects.filter(condition), ids), self.own)

    def _labelled(self, term: Term) -> list[FrozenBitMap]:
        return [self.snapshot.of(label.kind, label.id) for label in text.term_labels(term)]

    def _select(self, queryset, ids: list[int] | None) -> FrozenBitMap:
        """The ids PostgreSQL selects with a filter's own condition (among `ids`, when given)."""
        if ids is not None:
            queryset = queryset.filter(id__in=ids)
        sql, params = queryset.order_by().values(id4=Cast("id", IntegerField())).query.sql_with_params()
        with connections[queryset.db].cursor() as cursor:
            # COPY takes no parameters: the values are written in by psycopg, as a client-binding cursor does.
            statement = psycopg.ClientCursor(cursor.connection).mogrify(sql, params)
            (found,) = rows.ints(cursor, statement, 1)
        return bitmap(found)


def _union(bitmaps: list[FrozenBitMap]) -> FrozenBitMap:
    return FrozenBitMap.union(EMPTY, *bitmaps) if len(bitmaps) != 1 else bitmaps[0]


def _derived(snapshot: Snapshot, key: str, reference: Lookups, compute: Callable[[], list]) -> list:
    """compute(), kept with the snapshot while the reference data is the same."""
    found = snapshot.derived.get(key)
    if found is None or found[0] is not reference:
        found = snapshot.derived[key] = (reference, compute())
    return found[1]


# Filters: (snapshot, reference, the filter's cleaned values) -> the bitmaps of those values ---------------


def _of(dimension: str) -> Callable[[Snapshot, Lookups, list], list[FrozenBitMap]]:
    return lambda snapshot, _reference, values: [snapshot.of(dimension, value) for value in values]


def _of_states(dimension: str, members: Callable[[Lookups], dict[int, list[int]]]):
    def bitmaps(snapshot: Snapshot, reference: Lookups, ids: list[int]) -> list[FrozenBitMap]:
        states = members(reference)
        return [snapshot.of(dimension, state) for pk in ids for state in states.get(pk, ())]

    return bitmaps


def _of_sessions(attribute: str):
    def bitmaps(snapshot: Snapshot, reference: Lookups, values: list[int]) -> list[FrozenBitMap]:
        sessions = reference.sessions.values()
        return [snapshot.of("session", s.number) for s in sessions if getattr(s, attribute) in values]

    return bitmaps


def _sdg_numbers(snapshot: Snapshot, reference: Lookups, numbers: list[int]) -> list[FrozenBitMap]:
    return [snapshot.of("sdg", pk) for pk, (_position, number, _name) in reference.sdgs.items() if number in numbers]


FILTER_VALUES: dict[str, Callable[[Snapshot, Lookups, list], list[FrozenBitMap]]] = {
    "state_under_review": _of("state"),
    "recommending_state": _of("recommending_state"),
    "regional_group": _of_states("state", lambda reference: reference.regional_group_states),
    "recommending_regional_group": _of_states("recommending_state", lambda reference: reference.regional_group_states),
    "bloc": _of_states("recommending_state", lambda reference: reference.bloc_states),
    "cycle": _of_sessions("cycle"),
    "session": _of("session"),
    "year": _of_sessions("year"),
    "response": _of("response"),
    "action_category": _of("action_category"),
    "kind": _of("kind"),
    "theme": _of("theme"),
    "affected_group": _of("affected_group"),
    "sdg": _sdg_numbers,
    "status": _of("status"),
    "language": _of("language"),
}
assert set(STATUS_CHOICES.values()) <= {"", *rows.STATUSES}


# Facets: (snapshot, reference) -> each value's parts and ids ----------------------------------------------


def _states(dimension: str) -> Callable[[Snapshot, Lookups], Values]:
    def values(snapshot: Snapshot, reference: Lookups) -> Values:
        for pk, ids in snapshot.values[dimension].items():
            if pk in reference.states:
                _position, iso3, name = reference.states[pk]
                yield (iso3, name), ids

    return values


def _groups(dimension: str, kind: str) -> Callable[[Snapshot, Lookups], Values]:
    """Per regional group or bloc: a recommendation counts once however many of its States belong to it."""

    def values(snapshot: Snapshot, reference: Lookups) -> Values:
        codes, names = _codes(reference, kind)

        def compute() -> list:
            members = reference.regional_group_states if kind == "regional_group" else reference.bloc_states
            return [
                ((code, names[code]), _union([snapshot.of(dimension, state) for state in members.get(pk, ())]))
                for pk, code in codes.items()
            ]

        yield from _derived(snapshot, f"{dimension}:{kind}", reference, compute)

    return values


def _codes(reference: Lookups, kind: str) -> tuple[dict[int, str], dict[str, str]]:
    if kind == "regional_group":
        return _by_id(reference.regional_group_ids), reference.regional_group_names
    return _by_id(reference.bloc_ids), reference.bloc_names


def _by_id(ids: dict[str, list[int]]) -> dict[int, str]:
    return {pk: code for code, pks in ids.items() for pk in pks}


def _per_session(name: str, part: Callable[[lookups.Session], tuple]) -> Callable[[Snapshot, Lookups], Values]:
    def values(snapshot: Snapshot, reference: Lookups) -> Values:
        def compute() -> list:
            grouped: dict[tuple, list[FrozenBitMap]] = {}
            for number, ids in snapshot.values["session"].items():
                if number in reference.sessions:
                    grouped.setdefault(part(reference.sessions[number]), []).append(ids)
            return [(parts, _union(bitmaps)) for parts, bitmaps in grouped.items()]

        yield from _derived(snapshot, name, reference, compute)

    return values


def _plain(dimension: str) -> Callable[[Snapshot, Lookups], Values]:
    return lambda snapshot, _reference: (((value,), ids) for value, ids in snapshot.values[dimension].items())


def _themes(snapshot: Snapshot, reference: Lookups) -> Values:
    for pk, ids in snapshot.values["theme"].items():
        if pk in reference.themes:
            theme = reference.themes[pk][1]
            yield (theme["scheme"], theme["slug"], theme["name"]), ids


def _affected_groups(snapshot: Snapshot, reference: Lookups) -> Values:
    for pk, ids in snapshot.values["affected_group"].items():
        if pk in reference.affected_groups:
            _position, slug, name = reference.affected_groups[pk]
            yield (slug, name), ids


def _sdgs(snapshot: Snapshot, reference: Lookups) -> Values:
    for pk, ids in snapshot.values["sdg"].items():
        if pk in reference.sdgs:
            _position, number, name = reference.sdgs[pk]
            yield (number, name), ids


FACET_VALUES: dict[str, Callable[[Snapshot, Lookups], Values]] = {
    "state_under_review": _states("state"),
    "recommending_state": _states("recommending_state"),
    "regional_group": _groups("state", "regional_group"),
    "recommending_regional_group": _groups("recommending_state", "regional_group"),
    "bloc": _groups("recommending_state", "bloc"),
    "cycle": _per_session("cycle", lambda session: (session.cycle,)),
    "session": _per_session("session", lambda session: (session.number, session.year)),
    "year": _per_session("year", lambda session: (session.year,)),
    "response": _plain("response"),
    "action_category": _plain("action_category"),
    "kind": _plain("kind"),
    "theme": _themes,
    "affected_group": _affected_groups,
    "sdg": _sdgs,
    "status": _plain("status"),
}
