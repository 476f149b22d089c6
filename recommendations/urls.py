from django.urls import path, register_converter

from recommendations import advocacy_views, evidence_files, submissions, views
from recommendations.throttling import throttled


class IdConverter:
    """A primary key that fits PostgreSQL's bigint: longer numbers are a 404, not a database error."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "recommendations"

urlpatterns = [
    path("", views.home, name="home"),
    path("recommendations/", throttled(views.recommendation_search), name="search"),
    path("recommendations/<id:pk>/", views.recommendation_detail, name="detail"),
    path("recommendations/<id:pk>/submit-assessment/", submissions.submit_assessment, name="submit-assessment"),
    path("evidence/<id:pk>/document/", evidence_files.download, name="evidence-document"),
    path("themes/", views.theme_index, name="themes"),
    path("themes/<slug:scheme>/<slug:slug>/", views.theme_detail, name="theme"),
    path("advocacy/<slug:slug>/", advocacy_views.organisation_uptake, name="advocacy"),
]
