"""The embeddable widget: /embed/recommendations/?<recommendation filters>&limit=N.

A small server-rendered page that partner sites put in an <iframe>: no script,
its own stylesheet from this site, framing allowed for this view only (every
other page keeps X-Frame-Options: DENY).
"""

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from recommendations.models import Recommendation
from recommendations.search.filters import RecommendationFilterSet

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
DEFAULT_ORDERING = "-session"
# Framing by any site is the point of this page; nothing else may load or run.
EMBED_CSP = "default-src 'none'; style-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'none'"


def _limit(params: QueryDict) -> tuple[int, str]:
    raw = params.get("limit", "")
    if not raw:
        return DEFAULT_LIMIT, ""
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        return DEFAULT_LIMIT, _("Must be a whole number from 1 to %(max)s.") % {"max": MAX_LIMIT}
    return int(raw), ""


def _filter_data(params: QueryDict) -> QueryDict:
    data = params.copy()
    data.pop("limit", None)
    if not data.get("ordering") and not data.get("q"):
        data["ordering"] = DEFAULT_ORDERING
    return data


@require_safe
@xframe_options_exempt
def embed_recommendations(request: HttpRequest) -> HttpResponse:
    """Up to `limit` recommendations: one query for the rows and one for their recommending States."""
    limit, limit_error = _limit(request.GET)
    filterset = RecommendationFilterSet(_filter_data(request.GET), queryset=Recommendation.objects.all())
    errors = dict(filterset.errors) if not filterset.is_valid() else {}
    if limit_error:
        errors["limit"] = [limit_error]
    context = {"errors": errors, "recommendations": [], "more_url": reverse("recommendations:search")}
    if not errors:
        rows = filterset.qs.select_related("review__state", "review__session").prefetch_related("recommending_states")
        context["recommendations"] = rows[:limit]
        query = request.GET.copy()
        query.pop("limit", None)
        context["more_url"] += f"?{query.urlencode()}" if query else ""
    response = render(request, "recommendations/embed.html", context, status=400 if errors else 200)
    response["Content-Security-Policy"] = EMBED_CSP
    return response
