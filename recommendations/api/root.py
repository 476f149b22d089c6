"""The API root, /api/v1/: every resource and every other address of the API, as JSON or, for a browser, a page.

DRF's root lists the router's resources only. Partners arriving with a browser saw raw JSON with no way to
the documentation, the schema, facets, exports or the feed: the root now names those too (extra keys in the
JSON, docs/api.md), and answers a page of links when the client prefers HTML (Accept: text/html).
"""

from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from rest_framework import routers
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import JSONRenderer

# Key in the JSON -> (URL name, what the page says it is).
MORE_LINKS = {
    "recommendation-facets": ("api:recommendation-facets", _("Counts of a search by response, theme, State …")),
    "recommendation-export-csv": ("api:recommendation-export-csv", _("A search as CSV (add bom=true for Excel)")),
    "recommendation-export-jsonl": ("api:recommendation-export-jsonl", _("A search as JSON Lines")),
    "recommendation-export-xlsx": ("api:recommendation-export-xlsx", _("A search as an Excel workbook (XLSX)")),
    "assessments-feed": ("api:assessments-feed", _("Atom feed of published implementation assessments")),
    "schema": ("api:schema", _("OpenAPI document (YAML; add format=json for JSON)")),
    "docs": ("api:docs", _("Interactive documentation (Swagger UI)")),
    "redoc": ("api:redoc", _("Reference documentation (ReDoc)")),
    "token": ("api:token", _("The API token a request is made with")),
}


class RootHTMLRenderer(TemplateHTMLRenderer):
    template_name = "api/root.html"


class APIRootView(routers.APIRootView):
    """Resources (DRF's root), then the API's other addresses; a page of links for browsers."""

    renderer_classes = [JSONRenderer, RootHTMLRenderer]

    def get(self, request: Request, *args, **kwargs) -> Response:
        response = super().get(request, *args, **kwargs)
        more = {key: request.build_absolute_uri(reverse(name)) for key, (name, _label) in MORE_LINKS.items()}
        if isinstance(request.accepted_renderer, RootHTMLRenderer):
            response.data = {"resources": response.data, "links": self.page_links(more)}
        else:
            response.data = {**response.data, **more}
        return response

    @staticmethod
    def page_links(urls: dict[str, str]) -> list[tuple[str, str, str]]:
        return [(key, urls[key], label) for key, (_name, label) in MORE_LINKS.items()]

    def finalize_response(self, request, response, *args, **kwargs):
        # One address, two representations: caches (and ETags) must keep them apart.
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response
