from django.urls import path, register_converter

from recommendations.throttling import BriefingPdfThrottle, throttled
from states import briefing_views, views


class Iso3Converter:
    """Three letters in any case; the view looks the code up in upper case."""

    regex = "[A-Za-z]{3}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value.upper()


register_converter(Iso3Converter, "iso3")

app_name = "states"

urlpatterns = [
    path("states/", views.state_index, name="index"),
    path("states/<iso3:iso3>/", views.state_profile, name="profile"),
    path("states/<iso3:iso3>/briefing/", briefing_views.briefing_page, name="briefing"),
    path(
        "states/<iso3:iso3>/briefing.pdf",
        throttled(briefing_views.briefing_pdf, BriefingPdfThrottle),
        name="briefing-pdf",
    ),
    path("states/<iso3:iso3>/briefing/edit/", briefing_views.briefing_edit, name="briefing-edit"),
    path("compare/", views.compare, name="compare"),
]
