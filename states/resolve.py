"""Resolve the State names that sources use to State rows, in memory.

Importers resolve thousands of names per file; loading every State and alias
once (two queries) keeps lookups free of per-row SQL.
"""

import difflib

from states.models import State, StateAlias, normalise_name


class StateResolver:
    def __init__(self) -> None:
        self._by_key: dict[str, State] = {}
        states = list(State.objects.select_related("regional_group"))
        by_pk = {state.pk: state for state in states}
        for state in states:
            self._by_key[normalise_name(state.name)] = state
            self._by_key[state.iso3.casefold()] = state
        for alias in StateAlias.objects.values_list("normalised", "state_id"):
            self._by_key.setdefault(alias[0], by_pk[alias[1]])
        self._names = sorted({state.name for state in states})
        self._keys = list(self._by_key)

    def resolve(self, name: str) -> State | None:
        """The State a name, alias or ISO3 code denotes, or None."""
        return self._by_key.get(normalise_name(name))

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Closest known State names, for an error message about an unknown one."""
        matches = difflib.get_close_matches(normalise_name(name), self._keys, n=limit * 3, cutoff=0.6)
        seen: list[str] = []
        for key in matches:
            state_name = self._by_key[key].name
            if state_name not in seen:
                seen.append(state_name)
        return seen[:limit]
