from django.contrib import admin
from django.urls import include, path

from recommendations.embed import embed_recommendations

admin.site.site_header = "UPR Tracker administration"
admin.site.site_title = "UPR Tracker"

# JSON under /api/, Django's page (templates/404.html when present) elsewhere.
handler404 = "recommendations.api_errors.page_not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("recommendations.api_urls", namespace="api")),
    path("embed/recommendations/", embed_recommendations, name="embed-recommendations"),
    path("", include("recommendations.urls")),
    path("", include("states.urls")),
]
