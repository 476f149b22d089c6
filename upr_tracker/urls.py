from django.contrib import admin
from django.urls import include, path

from recommendations.embed import EMBED_CSP, embed_recommendations
from recommendations.throttling import throttled

admin.site.site_header = "UPR Tracker administration"
admin.site.site_title = "UPR Tracker"

# JSON under /api/, Django's page (templates/404.html, 400.html) elsewhere.
handler404 = "recommendations.api_errors.page_not_found"
handler400 = "recommendations.api_errors.bad_request"
# A database that cannot be reached is a 503 with Retry-After (JSON under /api/); anything else a 500.
handler500 = "upr_tracker.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("recommendations.api_urls", namespace="api")),
    path(
        "embed/recommendations/",
        throttled(embed_recommendations, embed_csp=EMBED_CSP),
        name="embed-recommendations",
    ),
    path("", include("recommendations.urls")),
    path("", include("states.urls")),
]
