"""Read-only API v1: recommendations (with facets), reviews, taxonomies, deletions.

Writable resources (assessments, evidence sources) are in writes.py, exports in
exports.py, routing in urls.py. Each viewset's get_queryset does
all its select_related/prefetch_related, so a list costs a fixed number of
queries whatever its page size.
"""

import datetime
import functools
from collections.abc import Sequence

from django.db.models import QuerySet
from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ID_REGEX, DetailMixin, FilterBackend, sync_ordering
from core.api_errors import not_found
from core.response_cache import cached_view
from recommendations.api.representations import recommendation_representations
from recommendations.api.schema import filterset_parameters
from recommendations.api.serializers import (
    AffectedGroupSerializer,
    CycleSerializer,
    DeletedObjectSerializer,
    FacetsSerializer,
    RecommendationListSerializer,
    RecommendationSerializer,
    ReviewSerializer,
    SDGSerializer,
    SessionSerializer,
    ThemeSchemeSerializer,
    ThemeSerializer,
)
from recommendations.models import (
    SDG,
    AffectedGroup,
    Cycle,
    DeletedObject,
    Recommendation,
    Review,
    Session,
    Theme,
    ThemeScheme,
)
from recommendations.search import facets as facet_module
from recommendations.search.filters import RecommendationFilterSet
from recommendations.search.index.counting import Search
from recommendations.search.list_filters import DeletionFilterSet, ReviewFilterSet, ThemeFilterSet

# The response cache on a viewset's action: it runs inside DRF's dispatch, after authentication, permissions
# and throttles (core/response_cache.py).
cached = method_decorator(cached_view)


class RecommendationViewSet(DetailMixin, viewsets.ReadOnlyModelViewSet):
    """UPR recommendations. Lists take the filters of docs/api.md; `q` adds a highlighted `snippet`.

    Anonymous reads are answered from the response cache when the data has not changed
    (core/response_cache.py), and otherwise built without
    serializer instances (representations.py): a page
    costs one narrow query for the page's ids and one for their representations.
    """

    filter_backends = [FilterBackend]
    filterset_class = RecommendationFilterSet
    lookup_value_regex = ID_REGEX
    queryset = Recommendation.objects.all()

    def get_serializer_class(self):
        # The shape of the representation, for the OpenAPI schema: the views build it in representations.py.
        return RecommendationListSerializer if self.action == "list" else RecommendationSerializer

    @cached  # DRF has authenticated and throttled the request by now
    def list(self, request: Request, *args, **kwargs) -> Response:
        return self._page(request)

    @cached
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return self._one(request, int(kwargs[self.lookup_field or "pk"]))

    def count_total(self) -> int:
        """The filtered list's size, from the count index (the paginator's include_total)."""
        return self.search.total()

    def narrow_page(self, queryset, keys: Sequence[str], values: Sequence | None, reverse: bool, size: int):
        """The page's candidates from the count index (the paginator then orders and cuts them as always): a
        list by id, the window of ids next to the cursor; in another order, the matches when they are few.
        PostgreSQL then reads those rows instead of testing each filter's condition on many."""
        if list(keys) not in (["id"], ["-id"]):
            return self.search.sorted_by_postgresql()
        upwards = (list(keys) == ["id"]) != reverse
        return queryset.filter(id__in=self.search.id_window(values[0] if values else None, upwards=upwards, size=size))

    @functools.cached_property
    def search(self) -> Search:
        return Search(self.filterset)

    def _page(self, request: Request) -> Response:
        page = self.paginator.paginate_keys(self.filter_queryset(self.get_queryset()), request, view=self)
        ids = [row["id"] for row in page]
        found = recommendation_representations(ids, request, search_text=self.filterset.search_text, snippets=True)
        return self.get_paginated_response([found[pk] for pk in ids if pk in found])

    def _one(self, request: Request, pk: int) -> Response:
        found = recommendation_representations([pk], request)
        if pk not in found:
            raise Http404(not_found(Recommendation._meta.object_name))
        response = Response(found[pk])
        updated_at = datetime.datetime.fromisoformat(found[pk]["updated_at"])
        response["Last-Modified"] = http_date(updated_at.timestamp())
        return response

    @extend_schema(
        parameters=[
            *filterset_parameters(RecommendationFilterSet),
            OpenApiParameter(
                "facet",
                OpenApiTypes.STR,
                many=True,
                required=True,
                enum=[*facet_module.FACETS],
                description="A facet to count; repeat for several.",
            ),
        ],
        responses=FacetsSerializer,
    )
    @action(detail=False, pagination_class=None)
    @cached
    def facets(self, request: Request) -> Response:
        """Counts per value of each requested facet, under every filter except the facet's own."""
        names = list(dict.fromkeys(name.strip() for name in request.query_params.getlist("facet")))
        errors = {}
        choices = ", ".join(facet_module.FACETS)
        if not names:
            errors["facet"] = [_("Name at least one facet: %(choices)s.") % {"choices": choices}]
        elif unknown := facet_module.unknown_facets(names):
            errors["facet"] = [
                _("Unknown facet: %(value)s. Choose from: %(choices)s.") % {"value": name[:60], "choices": choices}
                for name in unknown
            ]
        try:
            self.filter_queryset(Recommendation.objects.all())
        except ValidationError as error:
            errors.update(error.detail)
        if errors:
            raise ValidationError(errors)
        return Response({"facets": facet_module.facet_counts(self.filterset, names)})


class ReviewViewSet(DetailMixin, viewsets.ReadOnlyModelViewSet):
    """Reviews: one State under review in one Working Group session."""

    serializer_class = ReviewSerializer
    filter_backends = [FilterBackend]
    filterset_class = ReviewFilterSet
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet:
        return Review.objects.select_related("state", "session__cycle").order_by(*sync_ordering(self.request))


class CycleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CycleSerializer
    queryset = Cycle.objects.order_by("number")
    lookup_field = "number"
    lookup_value_regex = "[0-9]{1,4}"


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SessionSerializer
    queryset = Session.objects.select_related("cycle").order_by("number")
    lookup_field = "number"
    lookup_value_regex = "[0-9]{1,4}"


class ThemeSchemeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ThemeSchemeSerializer
    queryset = ThemeScheme.objects.order_by("slug")
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]{1,50}"


class ThemeViewSet(DetailMixin, viewsets.ReadOnlyModelViewSet):
    """Themes of every scheme; filter a recommendation list with theme=<scheme>:<slug>."""

    serializer_class = ThemeSerializer
    queryset = Theme.objects.select_related("scheme").order_by("id")
    filter_backends = [FilterBackend]
    filterset_class = ThemeFilterSet
    lookup_value_regex = ID_REGEX


class AffectedGroupViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AffectedGroupSerializer
    queryset = AffectedGroup.objects.order_by("slug")
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]{1,220}"


class SDGViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SDGSerializer
    queryset = SDG.objects.order_by("number")
    lookup_field = "number"
    lookup_value_regex = "[0-9]{1,2}"


class DeletionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Tombstones of deleted recommendations, assessments and evidence sources, oldest first."""

    serializer_class = DeletedObjectSerializer
    queryset = DeletedObject.objects.order_by("deleted_at", "id")
    filter_backends = [FilterBackend]
    filterset_class = DeletionFilterSet
