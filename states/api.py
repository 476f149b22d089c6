"""Read-only API v1 for States, regional groups and blocs (reference data, natural-key URLs)."""

from django.db.models import Prefetch, QuerySet
from rest_framework import viewsets

from states.models import Bloc, RegionalGroup, State
from states.serializers import BlocSerializer, RegionalGroupSerializer, StateSerializer


class UpperCaseLookupMixin:
    """Codes in URLs are matched in upper case: /states/kaz/ is /states/KAZ/."""

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()


class StateViewSet(UpperCaseLookupMixin, viewsets.ReadOnlyModelViewSet):
    """UN member and observer States, by ISO 3166 alpha-3 code."""

    serializer_class = StateSerializer
    lookup_field = "iso3"
    lookup_value_regex = "[A-Za-z]{3}"

    def get_queryset(self) -> QuerySet:
        blocs = Prefetch("blocs", queryset=Bloc.objects.order_by("code"))
        return State.objects.select_related("regional_group").prefetch_related(blocs).order_by("iso3")


class RegionalGroupViewSet(UpperCaseLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionalGroupSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_]{1,20}"

    def get_queryset(self) -> QuerySet:
        states = Prefetch("states", queryset=State.objects.order_by("iso3"))
        return RegionalGroup.objects.prefetch_related(states).order_by("code")


class BlocViewSet(UpperCaseLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Intergovernmental organisations and blocs, with their member States."""

    serializer_class = BlocSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_]{1,20}"

    def get_queryset(self) -> QuerySet:
        states = Prefetch("states", queryset=State.objects.order_by("iso3"))
        return Bloc.objects.prefetch_related(states).order_by("code")
