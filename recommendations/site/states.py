"""Public pages about States: the index, a State's profile and the side-by-side comparison."""

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.localized import sort_key
from core.response_cache import cached_view
from recommendations.models import RESPONSE_LABELS, STATUS_LABELS, Cycle, Recommendation, Review
from recommendations.site import charts, search, state_filter, statistics
from states.models import State

COMPARE_MAX = 6
# The `cycle` parameter of /compare/, besides a cycle's number.
LATEST = "latest"
ALL_CYCLES = "all"


def state_index(request):
    """States by regional group (observers last), each list sorted by name in the reader's language, filtered by
    name or code and, unless asked otherwise, to the States with recommendations (state_filter)."""
    form = state_filter.StateFilterForm(request.GET)
    valid = form.is_valid()
    query, include_empty = (form.cleaned_data["q"], form.cleaned_data["all"]) if valid else ("", False)
    states = sorted(statistics.states_with_counts(), key=_by_group_and_name)
    listing = state_filter.apply(states, query=query, include_empty=include_empty)
    context = {"states": listing.states, "listing": listing, "form": form, "query": query}
    return render(request, "states/index.html", context, status=200 if valid else 400)


def _by_group_and_name(state: State) -> tuple:
    group = state.regional_group
    return (group is None, sort_key(group.localized_name) if group else "", sort_key(state.localized_name))


@cached_view  # whole-table statistics for the State: computed once per data version for anonymous visitors
def state_profile(request, iso3: str):
    state = get_object_or_404(State.objects.select_related("regional_group").prefetch_related("blocs"), iso3=iso3)
    received = statistics.response_and_status_counts(Recommendation.objects.filter(review__state=state))
    search_url = reverse("recommendations:search")
    received_url = f"{search_url}?state_under_review={state.iso3}"
    reviews = statistics.reviews_with_response_counts(state)
    themes = _with_theme_values(statistics.top_themes(Recommendation.objects.filter(review__state=state)))
    context = {
        "state": state,
        "reviews": _with_response_cells(reviews, received["responses"]),
        "response_columns": _response_columns(received["responses"]),
        "received": received,
        "received_url": received_url,
        "made": statistics.response_and_status_counts(Recommendation.objects.filter(recommending_states=state)),
        "made_url": f"{search_url}?recommending_state={state.iso3}",
        "recipients": statistics.top_recipients(state),
        "themes": themes,
        "mixed_schemes": len({row["themes__scheme__slug"] for row in themes}) > 1,
        "groups": statistics.top_groups(Recommendation.objects.filter(review__state=state)),
        "assessments": statistics.recent_assessments_for_state(state),
        "response_chart": charts.response_chart(
            "received-responses", _("Recommendations received, by response"), received["responses"], received_url
        ),
        "status_chart": charts.status_chart(
            "received-statuses",
            _("Recommendations received, by implementation status"),
            received["statuses"],
            received_url,
        ),
    }
    return render(request, "states/profile.html", context)


def _response_columns(responses: dict[str, int]) -> list[tuple[str, str]]:
    """Supported and noted always; the rarer answers only when this State gave them (narrower tables on phones)."""
    return [(key, label) for key, label in RESPONSE_LABELS.items() if key in ("supported", "noted") or responses[key]]


def _with_response_cells(reviews, responses: dict[str, int]) -> list:
    keys = [key for key, _label in _response_columns(responses)]
    reviews = list(reviews)
    for review in reviews:
        review.cells = [(key, getattr(review, f"n_{key or 'none'}")) for key in keys]
    return reviews


def _with_theme_values(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["theme_value"] = search.theme_value(row["themes__scheme__slug"], row["themes__slug"])
    return rows


def compare(request):
    everyone = sorted(State.objects.all(), key=lambda state: sort_key(state.localized_name))
    chosen, errors = _chosen_states(request.GET.getlist("state"), {state.iso3: state for state in everyone})
    cycles = list(Cycle.objects.order_by("number"))
    scope, scope_errors = _scope(request.GET.get("cycle", LATEST), cycles)
    errors += scope_errors
    context = {
        "everyone": everyone,
        "chosen": chosen,
        "errors": errors,
        "slots": _slots(chosen),
        "scopes": _scope_choices(cycles),
        "scope": scope,
        "scope_value": scope if isinstance(scope, str) else str(scope.number),
    }
    if len(chosen) >= 2 and not errors:
        context.update(_comparison(chosen, scope))
    return render(request, "states/compare.html", context, status=400 if errors else 200)


def _scope_choices(cycles: list[Cycle]) -> list[tuple[str, str]]:
    """What the recommendations compared come from: each State's latest review (the default, as the reviews of
    one cycle fall in different years), one cycle for every State, or every review."""
    return [
        (LATEST, _("Each State’s latest review")),
        *((str(cycle.number), str(cycle)) for cycle in cycles),
        (ALL_CYCLES, _("Every review (all cycles)")),
    ]


def _scope(value: str, cycles: list[Cycle]) -> tuple[str | Cycle, list[str]]:
    """LATEST, ALL_CYCLES or a Cycle from the `cycle` parameter, and the message when it names none of them."""
    value = value.strip() or LATEST
    if value in (LATEST, ALL_CYCLES):
        return value, []
    cycle = next((cycle for cycle in cycles if str(cycle.number) == value), None)
    if cycle is not None:
        return cycle, []
    numbers = [cycle.number for cycle in cycles]
    message = _("“%(value)s” is not a cycle. Choose a cycle from %(first)s to %(last)s, or each State’s latest review.")
    return LATEST, [message % {"value": value[:20], "first": min(numbers, default=1), "last": max(numbers, default=1)}]


def _chosen_states(codes: list[str], by_code: dict[str, State]) -> tuple[list[State], list[str]]:
    """The distinct States asked for, in the order given, and a message for each code that is wrong."""
    wanted = list(dict.fromkeys(code.strip().upper() for code in codes if code.strip()))
    errors = [
        _("“%(code)s” is not a State code we know.") % {"code": code[:20]} for code in wanted if code not in by_code
    ]
    if len(wanted) > COMPARE_MAX:
        errors.append(
            ngettext("Compare at most %(max)d State.", "Compare at most %(max)d States.", COMPARE_MAX)
            % {"max": COMPARE_MAX}
        )
    return [by_code[code] for code in wanted if code in by_code][:COMPARE_MAX], errors


def _slots(chosen: list[State]) -> list[State | None]:
    """A select for each State that may be compared, the chosen ones first: no JavaScript needed to add one."""
    return [*chosen, *([None] * (COMPARE_MAX - len(chosen)))]


def _compared_reviews(chosen: list[State], scope: str | Cycle) -> dict[int, list[Review]]:
    """By State, the reviews whose recommendations are compared: the latest one with recommendations, those of
    the cycle chosen, or all of them."""
    by_state: dict[int, list[Review]] = {state.pk: [] for state in chosen}
    for review in statistics.compared_reviews(chosen):
        by_state[review.state_id].append(review)
    for pk, reviews in by_state.items():
        if scope == LATEST:
            with_recommendations = [review for review in reviews if review.has_recommendations]
            by_state[pk] = with_recommendations[-1:]
        elif isinstance(scope, Cycle):
            by_state[pk] = [review for review in reviews if review.session.cycle_id == scope.pk]
    return by_state


def _comparison(chosen: list[State], scope: str | Cycle) -> dict:
    reviews = _compared_reviews(chosen, scope)
    within = None if scope == ALL_CYCLES else Q(review__in=[review for rows in reviews.values() for review in rows])
    counts = statistics.compare_counts(chosen, within)
    totals = [counts["totals"].get(state.pk, {}) for state in chosen]
    responses = [{key: row.get(f"n_{key or 'none'}", 0) for key in RESPONSE_LABELS} for row in totals]
    statuses = [{key: row.get(f"s_{key or 'none'}", 0) for key in STATUS_LABELS} for row in totals]
    columns = [
        {
            "state": state,
            "total": row.get("total", 0),
            "reviews": reviews[state.pk],
            "query": _query(state, scope, reviews),
        }
        for state, row in zip(chosen, totals, strict=True)
    ]
    return {
        "columns": columns,
        "response_rows": _share_rows(RESPONSE_LABELS, responses, columns),
        "status_rows": _share_rows(STATUS_LABELS, statuses, columns),
        "theme_rows": _theme_rows(counts["themes"], columns),
        "response_chart": charts.stacked_chart(
            "compare-responses",
            _("Share of recommendations received, by response"),
            [(key or "none", label) for key, label in RESPONSE_LABELS.items()],
            [
                (column["state"].localized_name, {key or "none": n for key, n in r.items()})
                for column, r in zip(columns, responses, strict=True)
            ],
        ),
    }


def _query(state: State, scope: str | Cycle, reviews: dict[int, list[Review]]) -> str:
    """The search's parameters for the recommendations a column counts (the cells add a response, a theme…)."""
    params = {"state_under_review": state.iso3}
    if isinstance(scope, Cycle):
        params["cycle"] = scope.number
    elif scope == LATEST and reviews[state.pk]:
        params["session"] = reviews[state.pk][0].session.number
    return urlencode(params)


def _cell(count: int, column: dict) -> dict:
    total = column["total"]
    return {"count": count, "share": round(100 * count / total) if total else 0, "query": column["query"]}


def _share_rows(labels: dict, per_state: list[dict[str, int]], columns: list[dict]) -> list[dict]:
    """One row per response (or status): each State's count and its share of the State's total."""
    rows = []
    for key, label in labels.items():
        cells = [_cell(counts[key], column) for counts, column in zip(per_state, columns, strict=True)]
        if key or any(cell["count"] for cell in cells):
            rows.append({"key": key, "label": label, "cells": cells})
    return rows


def _theme_rows(themes: dict[int, dict], columns: list[dict]) -> list[dict]:
    rows = []
    for counts in themes.values():
        theme = counts["theme"]
        cells = [_cell(counts.get(column["state"].pk, 0), column) for column in columns]
        theme["theme_value"] = search.theme_value(theme["themes__scheme__slug"], theme["themes__slug"])
        rows.append({"theme": theme, "cells": cells, "total": sum(cell["count"] for cell in cells)})
    return sorted(
        rows,
        key=lambda row: (row["theme"]["themes__scheme__slug"], -row["total"], sort_key(row["theme"]["themes__name"])),
    )
