"""Public pages about States: the index, a State's profile and the side-by-side comparison."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.localized import sort_key
from core.response_cache import cached_view
from recommendations.models import RESPONSE_LABELS, STATUS_LABELS, Recommendation
from recommendations.site import charts, search, statistics
from states.models import State

COMPARE_MAX = 6


def state_index(request):
    """States by regional group (observers last), each list sorted by name in the reader's language."""
    states = sorted(statistics.states_with_counts(), key=_by_group_and_name)
    return render(request, "states/index.html", {"states": states})


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
    context = {"everyone": everyone, "chosen": chosen, "errors": errors, "slots": _slots(chosen)}
    if len(chosen) >= 2 and not errors:
        context.update(_comparison(chosen))
    return render(request, "states/compare.html", context, status=400 if errors else 200)


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
    """One select per chosen State plus empty ones, so a visitor without JavaScript can add States."""
    empty = max(4 - len(chosen), 1) if len(chosen) < COMPARE_MAX else 0
    return [*chosen, *([None] * empty)]


def _comparison(chosen: list[State]) -> dict:
    counts = statistics.compare_counts(chosen)
    totals = [counts["totals"].get(state.pk, {}) for state in chosen]
    responses = [{key: row.get(f"n_{key or 'none'}", 0) for key in RESPONSE_LABELS} for row in totals]
    statuses = [{key: row.get(f"s_{key or 'none'}", 0) for key in STATUS_LABELS} for row in totals]
    columns = [{"state": state, "total": row.get("total", 0)} for state, row in zip(chosen, totals, strict=True)]
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


def _cell(count: int, column: dict) -> dict:
    total = column["total"]
    return {"count": count, "share": round(100 * count / total) if total else 0, "iso3": column["state"].iso3}


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
