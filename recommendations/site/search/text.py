"""Highlighted texts and "your words name a category" suggestions for the search page."""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline
from django.db.models import Count, F, JSONField, Q, Value
from django.utils.translation import gettext as _

from core.localized import language_key, translated
from recommendations.models import AffectedGroup, Recommendation, Theme
from recommendations.search.params import theme_value
from recommendations.search.query import parse
from recommendations.search.text import MARK_START, MARK_STOP, search_query, text_config


@dataclass
class Suggestion:
    """A theme or affected group whose name matches the search words: often the better filter."""

    name: str
    label: str
    value: str
    kind: str  # the scheme's name, or "Affected persons"
    count: int = 0
    query: str = ""  # the current filters without the words, plus this one


def highlighted_texts(ids: list[int], text: str) -> dict[int, str]:
    """The whole text of each recommendation with the search's matches between MARK_START and MARK_STOP.

    The API's snippets (filters.HEADLINE) cut fragments around matches; a recommendation is
    short and people judge it by its whole wording, so the page marks the full
    text. Same query parsing (`search_query`) as the filter, and each text parsed
    with its language's configuration as its vector was, so what is marked is what matched.
    """
    headline = SearchHeadline(
        "text",
        search_query(parse(text)),
        config=text_config(),
        start_sel=MARK_START,
        stop_sel=MARK_STOP,
        highlight_all=True,
    )
    rows = Recommendation.objects.filter(pk__in=ids).annotate(marked=headline).values_list("pk", "marked")
    return dict(rows)


def suggestions(text: str, limit: int = 6) -> list[Suggestion]:
    """Themes and affected groups named like the search words, in English or the reader's language, in one query
    (none without words)."""
    words = " ".join(text.replace('"', " ").split()).strip(" -")
    if len(words) < 3:
        return []
    language = language_key()
    named = Q(name__icontains=words)
    if language is not None:
        named |= Q(**{f"name_translations__{language}__icontains": words})
    themes = (
        Theme.objects.filter(named)
        .annotate(
            kind=Value("theme"),
            scheme_slug=F("scheme__slug"),
            scheme_name=F("scheme__name"),
            scheme_translations=F("scheme__name_translations"),
        )
        .annotate(count=Count("recommendations"))
        .filter(count__gt=0)
    )
    groups = (
        AffectedGroup.objects.filter(named)
        .annotate(
            kind=Value("affected_group"),
            scheme_slug=Value(""),
            scheme_name=Value(""),
            scheme_translations=Value({}, output_field=JSONField()),
        )
        .annotate(count=Count("recommendations"))
        .filter(count__gt=0)
    )
    fields = ("kind", "scheme_slug", "slug", "name", "name_translations", "scheme_name", "scheme_translations", "count")
    rows = themes.values_list(*fields).union(groups.values_list(*fields), all=True).order_by("-count", "name")
    found = []
    for kind, scheme, slug, name, translations, scheme_name, scheme_translations, count in rows[:limit]:
        label = translated(name, translations, language)
        if kind == "theme":
            scheme_label = translated(scheme_name, scheme_translations, language)
            found.append(Suggestion("theme", label, theme_value(scheme, slug), scheme_label, count))
        else:
            found.append(Suggestion("affected_group", label, slug, str(_("Affected persons")), count))
    return found
