"""Content-Security-Policy with the few exceptions the third-party UIs need."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

# Django's admin widgets and the bundled Swagger UI / Redoc set element styles
# from JavaScript; they get inline *styles* (never inline scripts).
INLINE_STYLE_PREFIXES = ("/admin/", "/api/v1/docs/", "/api/v1/redoc/")


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(INLINE_STYLE_PREFIXES):
            parts.update = {**(parts.update or {}), "style-src": [SELF, UNSAFE_INLINE]}
        if not report_only and request.path_info.startswith("/api/v1/redoc/"):
            # Redoc searches in a web worker it builds from a blob.
            parts.update = {**(parts.update or {}), "worker-src": [SELF, "blob:"]}
        return parts
