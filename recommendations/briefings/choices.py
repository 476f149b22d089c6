"""The options of the briefing page's filter form: the themes, affected groups and cycles of the State's own
recommendations (so no choice leads to an empty briefing), the current choice always among them."""

import itertools

from core.localized import sort_key
from recommendations.briefings.filters import Filters
from recommendations.models import AffectedGroup, Cycle, Theme
from recommendations.search.params import theme_value_of
from states.models import State


def filter_choices(state: State, filters: Filters) -> dict:
    """{"themes": [(scheme name, [(value, label, selected)])], "groups": […], "cycles": […]} (three queries)."""
    return {
        "themes": _themes(state, filters.theme),
        "groups": _groups(state, filters.affected_group),
        "cycles": _cycles(state, filters.cycle),
    }


def _with_current(rows: list, current) -> list:
    return rows if current is None or current in rows else [*rows, current]


def _themes(state: State, current: Theme | None) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    used = Theme.objects.filter(recommendations__review__state=state).select_related("scheme").distinct().order_by()
    themes = sorted(
        _with_current(list(used), current),
        key=lambda theme: (sort_key(theme.scheme.localized_name), sort_key(theme.localized_name)),
    )
    return [
        (scheme.localized_name, [(theme_value_of(t), t.localized_name, t == current) for t in rows])
        for scheme, rows in itertools.groupby(themes, key=lambda theme: theme.scheme)
    ]


def _groups(state: State, current: AffectedGroup | None) -> list[tuple[str, str, bool]]:
    used = list(AffectedGroup.objects.filter(recommendations__review__state=state).distinct().order_by())
    groups = sorted(_with_current(used, current), key=lambda group: sort_key(group.localized_name))
    return [(group.slug, group.localized_name, group == current) for group in groups]


def _cycles(state: State, current: Cycle | None) -> list[tuple[str, str, bool]]:
    reviewed = list(Cycle.objects.filter(sessions__reviews__state=state).distinct().order_by("number"))
    cycles = sorted(_with_current(reviewed, current), key=lambda cycle: cycle.number)
    return [(str(cycle.number), str(cycle), cycle == current) for cycle in cycles]
