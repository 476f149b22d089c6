"""What changed for a watch in a time window, read from public data only.

Three kinds of change, each one query bounded by MAX_ITEMS, whatever the number of rows:
- new recommendations: `created_at` in the window (read through the `(updated_at, id)` sync index, since a
  row's `updated_at` is never before its `created_at`);
- changed responses: `Position` rows recorded in the window (index position_created_idx);
- newly published or updated assessments: published ones whose `updated_at` falls in the window
  (partial index assessment_published_upd_idx), with the evidence they cite, which is public once cited
  by a published assessment (recommendations/permissions.py).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict

from recommendations import permissions
from recommendations.models import Citation, ImplementationAssessment, Position, Recommendation, Watch
from recommendations.search.filters import RecommendationFilterSet

MAX_ITEMS = 50  # of each kind per watch and window: a digest lists the newest, the page has the rest


@dataclass
class Changes:
    watch: Watch
    recommendations: list[Recommendation] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    assessments: list[ImplementationAssessment] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.recommendations) + len(self.positions) + len(self.assessments)


def search_filterset(query: str) -> RecommendationFilterSet:
    """The search page's FilterSet for a saved query string (ordering and paging left out)."""
    data = QueryDict(query, mutable=True)
    for name in ("ordering", "page", "page_size", "cursor", "format"):
        data.pop(name, None)
    return RecommendationFilterSet(data=data, queryset=Recommendation.objects.all())


def watched(watch: Watch) -> QuerySet:
    """The recommendations a watch follows, as a queryset to use in a subquery."""
    if watch.kind == Watch.Kind.STATE:
        return Recommendation.objects.filter(state_under_review_id=watch.state_id)
    if watch.kind == Watch.Kind.THEME:
        return Recommendation.objects.filter(themes=watch.theme_id)
    if watch.kind == Watch.Kind.RECOMMENDATION:
        return Recommendation.objects.filter(pk=watch.recommendation_id)
    filterset = search_filterset(watch.query)
    # A saved query that no longer validates (a theme renamed) follows nothing rather than everything.
    return filterset.qs if filterset.is_valid() else Recommendation.objects.none()


def changes(watch: Watch, start: datetime.datetime, end: datetime.datetime) -> Changes:
    """What changed in [start, end) for the watch: 3 queries, plus one for the evidence when assessments changed."""
    ids = watched(watch).order_by().values("pk")
    new = Recommendation.objects.filter(pk__in=ids, updated_at__gte=start, created_at__gte=start, created_at__lt=end)
    positions = Position.objects.filter(recommendation__in=ids, created_at__gte=start, created_at__lt=end)
    assessments = permissions.public(ImplementationAssessment.objects.all()).filter(
        recommendation__in=ids, updated_at__gte=start, updated_at__lt=end
    )
    related = ("review__state", "review__session")
    cited = Citation.objects.select_related("evidence").order_by("evidence__title", "id")
    return Changes(
        watch=watch,
        recommendations=list(new.select_related(*related).order_by("-created_at", "-id")[:MAX_ITEMS]),
        positions=list(
            positions.select_related(*(f"recommendation__{path}" for path in related)).order_by("-created_at", "-id")[
                :MAX_ITEMS
            ]
        ),
        assessments=list(
            assessments.select_related("organisation", *(f"recommendation__{path}" for path in related))
            .prefetch_related(Prefetch("citations", queryset=cited))
            .order_by("-updated_at", "-id")[:MAX_ITEMS]
        ),
    )
