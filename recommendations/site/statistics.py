"""Counts for the public site's pages, each a single query.

Every function here runs one SQL statement whatever the data size (grouping
and conditional counts happen in PostgreSQL), so a page's query count is the
number of functions it calls. The search page's filtering and facets live in
recommendations/site/search/ and reuse the API's FilterSet.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from core.localized import sort_key, translated
from recommendations import permissions
from recommendations.models import (
    Citation,
    Cycle,
    ImplementationAssessment,
    ImplementationStatus,
    Recommendation,
    Response,
    Review,
    Theme,
)
from states.models import State, state_name

RESPONSE_KEYS = [*Response.values, ""]
STATUS_KEYS = [*ImplementationStatus.values, ""]


def _response_counts(path: str = "") -> dict:
    """Conditional counts, one per response (and one for "no response yet"), named n_<response>."""
    prefix = f"{path}__" if path else ""
    return {
        f"n_{key or 'none'}": Count(f"{prefix}pk" if path else "pk", filter=Q(**{f"{prefix}response": key}))
        for key in RESPONSE_KEYS
    }


def _status_counts(path: str = "") -> dict:
    prefix = f"{path}__" if path else ""
    return {
        f"s_{key or 'none'}": Count(f"{prefix}pk" if path else "pk", filter=Q(**{f"{prefix}current_status": key}))
        for key in STATUS_KEYS
    }


def split_counts(row: dict, letter: str, keys: list[str]) -> dict[str, int]:
    """{response or status: count} from the n_… / s_… columns of an aggregate row."""
    return {key: row[f"{letter}_{key or 'none'}"] for key in keys}


# Reference names in the reader's language: rows of values() carry the name's parts ("…__name",
# "…__name_translations" and, for States, "…__iso2"); the name is replaced by the localized one.
_STATE_NAME_PARTS = ("review__state__name", "review__state__iso2", "review__state__name_translations")


def _localized(row: dict, path: str) -> dict:
    row[f"{path}__name"] = translated(row[f"{path}__name"], row.pop(f"{path}__name_translations"), get_language())
    return row


def _localized_state(row: dict, path: str = "review__state") -> dict:
    parts = (row[f"{path}__name"], row.pop(f"{path}__iso2"), row.pop(f"{path}__name_translations"))
    row[f"{path}__name"] = state_name(*parts, get_language())
    return row


def _by_count_and_name(rows: list[dict], name: str) -> list[dict]:
    """Largest count first, then by name in the reader's language (the query's order, English, for the cut)."""
    return sorted(rows, key=lambda row: (-row["count"], sort_key(row[name])))


# Home ------------------------------------------------------------------------


def headline_figures() -> dict:
    """Totals for the home page, in one aggregate over the recommendations."""
    figures = Recommendation.objects.aggregate(
        recommendations=Count("pk"),
        states=Count("review__state", distinct=True),
        reviews=Count("review", distinct=True),
        supported=Count("pk", filter=Q(response=Response.SUPPORTED)),
        assessed=Count("pk", filter=~Q(current_status="")),
    )
    total = figures["recommendations"]
    figures["supported_share"] = round(100 * figures["supported"] / total) if total else 0
    figures["assessed_share"] = round(100 * figures["assessed"] / total) if total else 0
    return figures


def _count_of(queryset: QuerySet, link: str) -> Coalesce:
    """The number of rows of `queryset` whose `link` is the outer row, as a correlated subquery.

    Unlike Count() over a join, it does not group every row of the outer query: PostgreSQL
    evaluates it after ORDER BY … LIMIT, for the rows shown only (the home page's counts, as
    joins, grouped the whole table: bench/NOTES.md).
    """
    counted = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def recent_assessments(limit: int = 6) -> QuerySet:
    """The latest assessments with what a card shows, and their number of cited sources, in one query."""
    return (
        permissions.public(ImplementationAssessment.objects.all())
        .select_related("organisation", "recommendation__review__state", "recommendation__review__session")
        .annotate(evidence_count=_count_of(Citation.objects.all(), "assessment"))
        .order_by("-assessed_on", "-id")[:limit]
    )


def recent_reviews(limit: int = 12) -> QuerySet:
    return (
        Review.objects.with_related()
        .annotate(recommendation_count=_count_of(Recommendation.objects.all(), "review"))
        .order_by("-session__number", "state__name")[:limit]
    )


# Recommendation page ---------------------------------------------------------


def related_recommendations(recommendation: Recommendation, limit: int = 20) -> QuerySet:
    """Recommendations to the same State in other cycles sharing a theme with this one (one query)."""
    theme_ids = Recommendation.themes.through.objects.filter(recommendation=recommendation).values("theme_id")
    return (
        Recommendation.objects.filter(review__state_id=recommendation.review.state_id, themes__in=theme_ids)
        .exclude(review__session__cycle_id=recommendation.review.session.cycle_id)
        .select_related("review__session__cycle")
        .distinct()
        .order_by("-review__session__number", "paragraph", "id")[:limit]
    )


# State profile ---------------------------------------------------------------


def reviews_with_response_counts(state: State) -> QuerySet:
    return (
        Review.objects.filter(state=state)
        .select_related("session__cycle")
        .annotate(total=Count("recommendations"), **_response_counts("recommendations"))
        .order_by("session__number")
    )


def response_and_status_counts(recommendations: QuerySet) -> dict:
    row = recommendations.aggregate(total=Count("pk"), **_response_counts(), **_status_counts())
    return {
        "total": row["total"],
        "responses": split_counts(row, "n", RESPONSE_KEYS),
        "statuses": split_counts(row, "s", STATUS_KEYS),
    }


def top_themes(recommendations: QuerySet, limit: int = 10) -> list[dict]:
    """The themes most often given, with their names (and their schemes') in the reader's language."""
    rows = (
        recommendations.filter(themes__isnull=False)
        .values(
            "themes__pk",
            "themes__name",
            "themes__name_translations",
            "themes__slug",
            "themes__scheme__slug",
            "themes__scheme__name",
            "themes__scheme__name_translations",
        )
        .annotate(count=Count("pk"))
        .order_by("-count", "themes__name")[:limit]
    )
    return _by_count_and_name([_localized(_localized(row, "themes"), "themes__scheme") for row in rows], "themes__name")


def top_groups(recommendations: QuerySet, limit: int = 10) -> list[dict]:
    """The affected groups most often named, e.g. how many recommendations concern human rights defenders."""
    rows = (
        recommendations.filter(affected_groups__isnull=False)
        .values("affected_groups__slug", "affected_groups__name", "affected_groups__name_translations")
        .annotate(count=Count("pk"))
        .order_by("-count", "affected_groups__name")[:limit]
    )
    return _by_count_and_name([_localized(row, "affected_groups") for row in rows], "affected_groups__name")


def top_recipients(state: State, limit: int = 10) -> list[dict]:
    """The States this State made most recommendations to, with how many they supported."""
    rows = (
        Recommendation.objects.filter(recommending_states=state)
        .values("review__state__iso3", *_STATE_NAME_PARTS)
        .annotate(count=Count("pk"), supported=Count("pk", filter=Q(response=Response.SUPPORTED)))
        .order_by("-count", "review__state__name")[:limit]
    )
    return _by_count_and_name([_localized_state(row) for row in rows], "review__state__name")


def recent_assessments_for_state(state: State, limit: int = 5) -> QuerySet:
    """The latest assessments of a State's recommendations with their evidence (two queries)."""
    citations = Citation.objects.select_related("evidence").order_by("id")
    return (
        permissions.public(ImplementationAssessment.objects.all())
        .filter(recommendation__review__state=state)
        .select_related("organisation", "recommendation__review__session")
        .prefetch_related(Prefetch("citations", queryset=citations))
        .order_by("-assessed_on", "-id")[:limit]
    )


def states_with_counts() -> QuerySet:
    """Every State with the recommendations it received and made, as correlated counts (one query)."""
    return State.objects.select_related("regional_group").annotate(
        received=_count_of(Recommendation.objects.all(), "review__state"),
        made=_count_of(Recommendation.recommending_states.through.objects.all(), "state"),
    )


# Theme pages -----------------------------------------------------------------


def themes_with_counts() -> QuerySet:
    return (
        Theme.objects.select_related("scheme")
        .annotate(count=Count("recommendations"))
        .order_by("scheme__name", "code", "name")
    )


@dataclass
class ThemeRow:
    iso3: str
    name: str
    cells: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.cells)


def theme_matrix(theme: Theme, cycles: list[Cycle]) -> list[ThemeRow]:
    """Recommendations on a theme per State under review and cycle, largest total first (one query)."""
    counts = (
        Recommendation.objects.filter(themes=theme)
        .values("review__state__iso3", *_STATE_NAME_PARTS, "review__session__cycle__number")
        .annotate(count=Count("pk"))
        .order_by()
    )
    position = {cycle.number: index for index, cycle in enumerate(cycles)}
    rows: dict[str, ThemeRow] = {}
    for item in counts:
        iso3 = item["review__state__iso3"]
        row = rows.setdefault(iso3, ThemeRow(iso3, _localized_state(item)["review__state__name"], [0] * len(cycles)))
        row.cells[position[item["review__session__cycle__number"]]] += item["count"]
    return sorted(rows.values(), key=lambda row: (-row.total, sort_key(row.name)))


# Compare ---------------------------------------------------------------------


def compared_reviews(states: list[State]) -> QuerySet:
    """The States' reviews, oldest first, each marked with whether it has recommendations (one query)."""
    return (
        Review.objects.filter(state__in=states)
        .select_related("session__cycle")
        .annotate(has_recommendations=Exists(Recommendation.objects.filter(review=OuterRef("pk"))))
        .order_by("state_id", "session__number")
    )


def compare_counts(states: list[State], within: Q | None = None) -> dict:
    """Responses, statuses and themes of the recommendations each State received, `within` some reviews only
    (two queries)."""
    received = Recommendation.objects.filter(review__state__in=states).filter(within or Q())
    by_state = received.values("review__state").annotate(total=Count("pk"), **_response_counts(), **_status_counts())
    themes = (
        received.filter(themes__isnull=False)
        .values(
            "review__state",
            "themes__pk",
            "themes__name",
            "themes__name_translations",
            "themes__slug",
            "themes__scheme__slug",
        )
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    )
    totals = {row["review__state"]: row for row in by_state}
    theme_counts: dict[int, dict] = defaultdict(dict)
    for row in themes:
        theme_counts[row["themes__pk"]].setdefault("theme", _localized(row, "themes"))
        theme_counts[row["themes__pk"]][row["review__state"]] = row["count"]
    return {"totals": totals, "themes": theme_counts}
