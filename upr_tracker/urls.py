from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from core import locale
from recommendations.site.urls import embed_patterns, state_patterns

# JSON under /api/, Django's page (templates/404.html, 400.html) elsewhere.
handler404 = "core.api_errors.page_not_found"
handler400 = "core.api_errors.bad_request"
# A database that cannot be reached is a 503 with Retry-After (JSON under /api/); anything else a 500.
handler500 = "core.errors.server_error"

urlpatterns = [
    # The API has one address per resource whatever the language: ?lang= or Accept-Language (core/locale.py).
    path("api/v1/", include("recommendations.api.urls", namespace="api")),
    # The language switcher's form posts here.
    path("i18n/setlang/", locale.set_language, name="set_language"),
    # Every page in every language: English unprefixed, /fr/…, /es/… (settings.LANGUAGES).
    *i18n_patterns(
        path("admin/", admin.site.urls),
        *embed_patterns,
        path("", include("recommendations.site.urls")),
        path("", include((state_patterns, "states"))),
        prefix_default_language=False,
    ),
]
