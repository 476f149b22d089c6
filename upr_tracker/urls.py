from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "UPR Tracker administration"
admin.site.site_title = "UPR Tracker"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("recommendations.urls")),
]
