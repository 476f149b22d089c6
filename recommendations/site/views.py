"""The public site's recommendation pages: home, search, one recommendation, themes.

Server-rendered, readable without JavaScript. Each view runs a fixed number of
queries (see the tests in tests/recommendations/test_site_*.py).
"""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.localized import sort_key
from core.response_cache import cached_view
from recommendations import followup, permissions
from recommendations.models import Cycle, ImplementationAssessment, Recommendation, Theme
from recommendations.site import charts, search, statistics


@cached_view  # whole-table figures: computed once per data version for anonymous visitors
def home(request):
    context = {
        "figures": statistics.headline_figures(),
        "assessments": statistics.recent_assessments(),
        "reviews": statistics.recent_reviews(),
    }
    return render(request, "recommendations/home.html", context)


@cached_view  # anonymous visitors get the stored page until the data changes (response_cache.py)
def recommendation_search(request):
    page = search.run(request.GET)
    return render(request, "recommendations/search.html", {"search": page}, status=400 if page.errors else 200)


@cached_view  # anonymous visitors: published data only, the same for all of them
def recommendation_detail(request, pk: int):
    """8 queries for the recommendation (Recommendation.objects.with_related), then its related ones and repeats."""
    newest_first = permissions.public(ImplementationAssessment.objects.all()).order_by("-assessed_on", "-id")
    recommendations = Recommendation.objects.with_related(details=True, assessments=newest_first)
    recommendation = get_object_or_404(recommendations, pk=pk)
    context = {
        "recommendation": recommendation,
        "review": recommendation.review,
        "related": statistics.related_recommendations(recommendation),
        # Confirmed repeats only: suggestions are not public until an editor confirms them.
        "repeats": followup.repeat_histories([recommendation.pk]).get(recommendation.pk),
        "propose_correction_url": _propose_correction_url(request.user, recommendation),
        "can_assess": permissions.is_editor(request.user),
    }
    return render(request, "recommendations/detail.html", context)


def _propose_correction_url(user, recommendation: Recommendation) -> str | None:
    """For signed-in members of an organisation (no query for anonymous visitors, whose page is cached)."""
    if not permissions.may_propose_correction(user):
        return None
    query = urlencode({"recommendation": recommendation.pk})
    return f"{reverse('admin:recommendations_correctionproposal_add')}?{query}"


@cached_view  # whole-table counts: computed once per data version for anonymous visitors
def theme_index(request):
    # By scheme and code as stored, then by name in the reader's language.
    themes = sorted(statistics.themes_with_counts(), key=lambda t: (t.scheme.name, t.code, sort_key(t.localized_name)))
    return render(request, "recommendations/theme_index.html", {"themes": themes})


@cached_view  # counts over every recommendation of the theme, the same for all anonymous visitors
def theme_detail(request, scheme: str, slug: str):
    theme = get_object_or_404(Theme.objects.select_related("scheme", "parent"), scheme__slug=scheme, slug=slug)
    cycles = list(Cycle.objects.all())
    counts = statistics.response_and_status_counts(theme.recommendations.all())
    search_url = f"{reverse('recommendations:search')}?{urlencode({'theme': search.theme_value_of(theme)})}"
    context = {
        "theme": theme,
        "search_url": search_url,
        "children": statistics.themes_with_counts().filter(parent=theme),
        "cycles": cycles,
        "rows": statistics.theme_matrix(theme, cycles),
        "counts": counts,
        "response_chart": charts.response_chart(
            "theme-responses", _("Recommendations by response"), counts["responses"], search_url
        ),
        "status_chart": charts.status_chart(
            "theme-statuses", _("Recommendations by implementation status"), counts["statuses"], search_url
        ),
    }
    return render(request, "recommendations/theme_detail.html", context)
