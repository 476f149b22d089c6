"""Names and labels of the search parameters, the API's own (recommendations/search/filters.py)."""

from django.utils.translation import gettext_lazy as _

from recommendations.models import Theme

PAGE_PARAM = "page"  # the page's own parameter; the API pages with cursors instead

PARAM_LABELS = {
    "q": _("Search words"),
    "state_under_review": _("State under review"),
    "recommending_state": _("Recommending State"),
    "regional_group": _("Regional group (State under review)"),
    "recommending_regional_group": _("Regional group (recommending State)"),
    "bloc": _("Bloc of the recommending State"),
    "cycle": _("Cycle"),
    "session": _("Session"),
    "year": _("Year"),
    "response": _("Response"),
    "action_category": _("Action category"),
    "kind": _("Kind"),
    "theme": _("Theme"),
    "affected_group": _("Affected persons"),
    "sdg": _("Sustainable Development Goal"),
    "status": _("Implementation status"),
    "language": _("Language of the text"),
    "updated_since": _("Updated since"),
    "ordering": _("Sort order"),
    PAGE_PARAM: _("Page"),
}


def theme_value(scheme_slug: str, slug: str) -> str:
    """The `theme=` value naming exactly one theme (a bare slug would match it in every scheme)."""
    return f"{scheme_slug}:{slug}"


def theme_value_of(theme: Theme) -> str:
    return theme_value(theme.scheme.slug, theme.slug)
