"""Template helpers for the public site: labels of stored values, counts, highlighting, query strings."""

import html
from collections.abc import Callable
from functools import partial

from django import template
from django.http import QueryDict
from django.utils import formats, numberformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from recommendations import permissions
from recommendations.models import RESPONSE_LABELS, STATUS_LABELS, Recommendation
from recommendations.search.text import MARK_START, MARK_STOP

register = template.Library()
ACTION_CATEGORIES = Recommendation.ActionCategory.values


@register.filter
def edits_for_an_organisation(user) -> bool:
    """Whether the user has a workspace (permissions.is_editor, as the workspace itself asks)."""
    return permissions.is_editor(user)


class GroupedCount(int):
    """A count written with the reader's thousands separator: "1,234", "1 234" (fr, es: a no-break space).

    Still a number, so `{% blocktranslate count counter=total|grouped %}` picks the plural form from it:
    Django writes an integer with str() when no separator is asked for (settings.USE_THOUSAND_SEPARATOR is
    off, so that years, ids and session numbers stay bare).
    """

    def __str__(self) -> str:
        return count_writer()(int(self))


def count_writer() -> Callable[[int], str]:
    """GroupedCount's writing, with the active language's separators looked up once: for long lists of counts."""
    language = get_language()
    return partial(
        numberformat.format,
        decimal_sep=formats.get_format("DECIMAL_SEPARATOR", language),
        grouping=formats.get_format("NUMBER_GROUPING", language),
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR", language),
        force_grouping=True,
        use_l10n=True,
    )


@register.filter
def grouped(value):
    """A count as the reader's language writes it; anything that is not an integer is left as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return GroupedCount(value)
    return value


@register.filter
def response_label(value: str | None) -> str:
    return RESPONSE_LABELS.get(value or "", value)


@register.filter
def status_label(value: str | None) -> str:
    return STATUS_LABELS.get(value or "", value)


@register.filter
def action_label(value: int | None) -> str:
    """The public site's short name of an action category (Recommendation.ActionCategory.public_label)."""
    return Recommendation.ActionCategory(value).public_label if value in ACTION_CATEGORIES else ""


@register.filter
def action_help(value: int | None) -> str:
    return Recommendation.ActionCategory(value).explanation if value in ACTION_CATEGORIES else ""


@register.filter
def highlight(value: str | None) -> SafeString:
    """Escape a ts_headline result, then turn its match markers into <mark> elements.

    The markers are private-use characters, so nothing in the stored text can
    forge markup: everything else is escaped first.
    """
    text = escape(value or "")
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))


# One checkbox of the search page's filters (recommendations/search.html): every field is filled in escaped.
FACET_OPTION = (
    '<div class="facet-option">\n'
    '  <input type="checkbox" id="f-{name}-{value}" name="{name}" value="{value}"{checked}>\n'
    '  <label for="f-{name}-{value}">{label} <span class="count">{count}'
    '<span class="visually-hidden"> {unit}</span></span></label>\n'
    "</div>\n"
)


@register.simple_tag
def facet_options(name: str, options) -> SafeString:
    """The checkboxes of a facet's options (FacetOption), each value and label escaped.

    Written here in one pass rather than by an {% include %} per option: a page lists hundreds of values, and
    the includes were most of the page's rendering time (bench/NOTES.md, issue 18). For the same reason the
    facet's name, the unit and the count's separators are read once, not once per option, and the escaping is
    html.escape, which django.utils.html.escape wraps with a check for lazy strings (values and labels are str).
    """
    name, unit, write_count = html.escape(name), html.escape(gettext("recommendations")), count_writer()
    return mark_safe(
        "".join(
            FACET_OPTION.format(
                name=name,
                value=html.escape(option.value),
                checked=" checked" if option.selected else "",
                label=html.escape(option.label),
                count=write_count(option.count),
                unit=unit,
            )
            for option in options
        )
    )


@register.simple_tag
def toggle_query(params: QueryDict, name: str, value) -> str:
    """The query string with one value of a multi-valued parameter switched on or off (back to page 1)."""
    query = params.copy()
    value = str(value)
    values = query.getlist(name)
    query.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    query.pop("page", None)
    return "?" + query.urlencode() if query else "?"


@register.simple_tag
def query_without(params: QueryDict, *names: str) -> str:
    """The query string without the given parameters (back to page 1)."""
    query = params.copy()
    for name in (*names, "page"):
        query.pop(name, None)
    return "?" + query.urlencode() if query else "?"


@register.filter
def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0
