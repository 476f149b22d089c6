"""Pieces every API viewset shares: filtering that keeps the FilterSet, sync ordering, Last-Modified."""

from django.db.models import QuerySet
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework.request import Request
from rest_framework.response import Response

DETAIL_ACTIONS = frozenset({"retrieve", "update", "partial_update", "destroy"})
ID_REGEX = "[0-9]{1,18}"


class FilterBackend(DjangoFilterBackend):
    """django-filter, keeping the validated FilterSet on the view (ordering, snippets and facets need it)."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view) -> QuerySet:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        view.filterset = filterset
        return filterset.qs


def sync_ordering(request: Request) -> tuple[str, ...]:
    """(updated_at, id) when a client syncs with updated_since, else id: always a total order."""
    return ("updated_at", "id") if request.query_params.get("updated_since") else ("id",)


class DetailMixin:
    """Detail lookups ignore list filters, and carry Last-Modified when the object has updated_at."""

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if self.action in DETAIL_ACTIONS:
            return queryset
        return super().filter_queryset(queryset)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        updated_at = getattr(instance, "updated_at", None)
        if updated_at is not None:
            response["Last-Modified"] = http_date(updated_at.timestamp())
        if hasattr(self, "etag_for"):
            # A version-carrying ETag, for If-Match on the next write.
            response["ETag"] = self.etag_for(instance)
        return response
