from django.contrib import admin
from django.urls import include, path

from recommendations.site.urls import embed_patterns, state_patterns

# JSON under /api/, Django's page (templates/404.html, 400.html) elsewhere.
handler404 = "core.api_errors.page_not_found"
handler400 = "core.api_errors.bad_request"
# A database that cannot be reached is a 503 with Retry-After (JSON under /api/); anything else a 500.
handler500 = "core.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("recommendations.api.urls", namespace="api")),
    *embed_patterns,
    path("", include("recommendations.site.urls")),
    path("", include((state_patterns, "states"))),
]
