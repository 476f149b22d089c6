"""URLs of the partner API, version 1: included at /api/v1/ under the "api" namespace."""

from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from core.throttling import AnonThrottle, throttled
from recommendations.api import client_schema, feeds
from recommendations.api import exports as api_export
from recommendations.api import root as api_root
from recommendations.api import tokens as api_tokens
from recommendations.api import views as api
from recommendations.api import writes as api_writes
from states import api as states_api

app_name = "api"

router = DefaultRouter()
router.APIRootView = api_root.APIRootView  # the resources, the API's other addresses, and a page for browsers
router.register("recommendations", api.RecommendationViewSet, basename="recommendation")
router.register("reviews", api.ReviewViewSet, basename="review")
router.register("states", states_api.StateViewSet, basename="state")
router.register("regional-groups", states_api.RegionalGroupViewSet, basename="regionalgroup")
router.register("blocs", states_api.BlocViewSet, basename="bloc")
router.register("cycles", api.CycleViewSet, basename="cycle")
router.register("sessions", api.SessionViewSet, basename="session")
router.register("theme-schemes", api.ThemeSchemeViewSet, basename="themescheme")
router.register("themes", api.ThemeViewSet, basename="theme")
router.register("affected-groups", api.AffectedGroupViewSet, basename="affectedgroup")
router.register("sdgs", api.SDGViewSet, basename="sdg")
router.register("assessments", api_writes.AssessmentViewSet, basename="assessment")
router.register("evidence-sources", api_writes.EvidenceSourceViewSet, basename="evidencesource")
router.register("deletions", api.DeletionViewSet, basename="deletion")

urlpatterns = [
    path("recommendations/export.csv", api_export.CSVExportView.as_view(), name="recommendation-export-csv"),
    path("recommendations/export.jsonl", api_export.JSONLinesExportView.as_view(), name="recommendation-export-jsonl"),
    path("recommendations/export.xlsx", api_export.XLSXExportView.as_view(), name="recommendation-export-xlsx"),
    # The feed is a plain Django view: throttled here like the API's own viewsets.
    path("feeds/assessments.atom", throttled(feeds.assessments_feed, AnonThrottle), name="assessments-feed"),
    # The token a request is made with: what it may do, until when; DELETE revokes it.
    path("token/", api_tokens.CurrentTokenView.as_view(), name="token"),
    path("schema/", client_schema.SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
]
