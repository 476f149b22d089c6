"""The language switcher and the hreflang alternates of every page (core/locale.py)."""

from django import template
from django.conf import settings

from core import locale

register = template.Library()


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of this page in each language, and x-default; empty outside a request."""
    request = context.get("request")
    return locale.alternates(request) if request is not None else []


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    """(code, name) of every language, each named in itself as settings.LANGUAGES writes it: Django's
    get_available_languages would translate the names into the current language ("Inglés")."""
    return list(settings.LANGUAGES)


@register.simple_tag(takes_context=True)
def page_address(context) -> str:
    """Where the switcher returns to: this page, its query string left out when it is hostile-long."""
    request = context.get("request")
    return locale.page_address(request) if request is not None else "/"
