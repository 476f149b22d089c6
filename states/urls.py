from django.urls import path, register_converter

from states import views


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
    path("compare/", views.compare, name="compare"),
]
