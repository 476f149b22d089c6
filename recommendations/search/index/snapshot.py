"""The count index's content: for each filterable dimension, the ids of the recommendations with each value,
as compressed bitmaps (pyroaring).

A snapshot is never changed once made (threads of a worker read it while another refreshes): `patched`
makes a new one from an old one and the rows of the recommendations that changed, sharing every bitmap
the change does not touch. Publishing one assessment replaces the two status bitmaps it moves a row
between, and nothing else.
"""

from __future__ import annotations

import array
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from pyroaring import FrozenBitMap

from recommendations.search.index.rows import KINDS, RESPONSES, STATUSES, Rows, language_code

# A column's numbers → its values (rows.py numbers text columns by their choices; 0 is unknown: left out).
_DECODE = {
    "response": lambda n: RESPONSES[n - 1] if 0 < n <= len(RESPONSES) else None,
    "kind": lambda n: KINDS[n - 1] if 0 < n <= len(KINDS) else None,
    "status": lambda n: STATUSES[n - 1] if 0 < n <= len(STATUSES) else None,
    "language": language_code,
    "action_category": lambda n: n or None,
    "state": lambda n: n,
    "session": lambda n: n or None,
}
COLUMN_DIMENSIONS = tuple(_DECODE)
LINK_DIMENSIONS = ("recommending_state", "theme", "affected_group", "sdg")

Values = dict[object, FrozenBitMap]


@dataclass(frozen=True)
class Snapshot:
    """`everything`: every recommendation's id; `values[dimension][value]`: those with that value.

    A value with no recommendation has no entry. `derived` holds what counting computes from it
    (unions per regional group, cycle …), kept as long as the snapshot and the reference data last.
    """

    everything: FrozenBitMap
    values: dict[str, Values]
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    def of(self, dimension: str, value: object) -> FrozenBitMap:
        return self.values[dimension].get(value, EMPTY)


EMPTY = FrozenBitMap()


def build(rows: Rows) -> Snapshot:
    columns = rows.columns
    values = {name: _grouped(columns["id"], columns[name], _DECODE[name]) for name in COLUMN_DIMENSIONS}
    for name in LINK_DIMENSIONS:
        ids, linked = rows.links[name]
        values[name] = _grouped(ids, linked, int)
    return Snapshot(everything=bitmap(columns["id"]), values=values)


def patched(snapshot: Snapshot, changed: Iterable[int], rows: Rows) -> Snapshot:
    """`snapshot` with the recommendations `changed` as `rows` has them now (absent from rows: deleted)."""
    changed = FrozenBitMap(changed)
    if not changed:
        return snapshot
    fresh = build(rows)
    values = {name: _replaced(snapshot.values[name], changed, fresh.values[name]) for name in snapshot.values}
    everything = FrozenBitMap((snapshot.everything - changed) | fresh.everything)
    return Snapshot(everything=everything, values=values)


def _replaced(old: Values, changed: FrozenBitMap, fresh: Values) -> Values:
    """Each value's ids without `changed`, plus the fresh ids; bitmaps that neither loses nor gains are kept."""
    found = {}
    for value in old.keys() | fresh.keys():
        ids = old.get(value, EMPTY)
        gained = fresh.get(value)
        if gained is None and not ids.intersect(changed):
            found[value] = ids
            continue
        ids = (ids - changed) | (gained or EMPTY)
        if ids:
            found[value] = FrozenBitMap(ids)
    return found


def _grouped(ids: np.ndarray, keys: np.ndarray, decode) -> Values:
    """ids grouped by key: one bitmap per decoded key (keys decoding to None are left out)."""
    if not len(ids):
        return {}
    order = np.argsort(keys, kind="stable")
    keys, ids = keys[order], ids[order]
    cuts = np.flatnonzero(np.diff(keys)) + 1
    found: Values = {}
    for start, end in zip(np.r_[0, cuts], np.r_[cuts, len(keys)], strict=True):
        value = decode(int(keys[start]))
        if value is not None:
            found[value] = bitmap(ids[start:end])
    return found


def bitmap(ids: np.ndarray) -> FrozenBitMap:
    # Through array('I'): pyroaring copies that buffer at once, where a numpy array is read item by item.
    return FrozenBitMap(array.array("I", np.sort(ids).astype(np.uint32).tobytes()))
