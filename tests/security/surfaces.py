"""Every URL pattern the project serves, read from the URL resolver and classified.

The authorization suite asks each classified surface for every object of the cast it applies to, as every
kind of user. A pattern this module cannot classify makes `test_every_url_pattern_is_classified` fail: the
next new page, admin, API route or admin URL is covered the day it is added, or the suite says what to add.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib import admin
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

# Standard URLs of every ModelAdmin (simple-history adds the two history ones).
ADMIN_ACTIONS = ("changelist", "add", "change", "delete", "history", "simple_history")
# Admin site pages that show no organisation data of their own; asked as every user for leaks.
ADMIN_SITE = {
    "index",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "jsi18n",
    "app_list",
    "autocomplete",  # asked per autocomplete field by the suite (admin_autocompletes)
    "view_on_site",  # redirects a staff member to an object's public URL
}


@dataclass(frozen=True)
class Surface:
    """One URL pattern: `kind` says how the suite builds its URLs and requests."""

    name: str
    kind: str  # admin-model, admin-extra, admin-site, api-list, api-detail, api-action, page
    model: type[models.Model] | None = None
    action: str = ""  # the ModelAdmin URL (changelist, change …) or the API route's action

    @property
    def key(self) -> str:
        return self.name


def _walk(patterns, namespace: str = "", route: str = "") -> Iterator[tuple[str, str]]:
    """(namespace:name, route) of every URL pattern; unnamed ones get their route as name."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _walk(pattern.url_patterns, inner, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            full = route + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if pattern.name and namespace else pattern.name or f"route:{full}"
            yield name, full


def url_patterns() -> list[tuple[str, str]]:
    return list(_walk(get_resolver().url_patterns))


def _admin_surface(name: str, route: str) -> Surface | None:
    short = name.removeprefix("admin:")
    if short in ADMIN_SITE:
        return Surface(name, "admin-site")
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if short.startswith(prefix):
            action = short.removeprefix(prefix)
            kind = "admin-model" if action in ADMIN_ACTIONS else "admin-extra"
            return Surface(name, kind, model, action)
        # ModelAdmin's "<id>/" redirect to the change page, and the site's catch-all.
        if route == f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/":
            return Surface(name, "admin-model", model, "redirect")
    if route == "admin/(?P<url>.*)$":
        return Surface(name, "admin-site")
    return None


def _api_surface(name: str) -> Surface | None:
    from recommendations.api.urls import router

    basename, _, action = name.removeprefix("api:").rpartition("-")
    for _prefix, viewset, registered in router.registry:
        if registered == basename:
            kind = {"list": "api-list", "detail": "api-detail"}.get(action, "api-action")
            return Surface(name, kind, _viewset_model(viewset), action)
    return None


def _viewset_model(viewset) -> type[models.Model] | None:
    queryset = getattr(viewset, "queryset", None)
    if queryset is not None:
        return queryset.model
    meta = getattr(viewset.serializer_class, "Meta", None) or getattr(viewset, "Meta", None)
    return getattr(meta, "model", None)


def api_viewset(surface: Surface):
    from recommendations.api.urls import router

    basename = surface.name.removeprefix("api:").rpartition("-")[0]
    return next(viewset for _prefix, viewset, registered in router.registry if registered == basename)


def classify(name: str, route: str, pages: dict[str, Callable]) -> Surface | None:
    """The surface a URL pattern belongs to, or None when the suite does not know how to ask it."""
    if name.startswith("admin:") or route.startswith("admin/"):
        surface = _admin_surface(name, route)
        if name in pages and (surface is None or surface.kind == "admin-extra"):
            return Surface(name, "admin-extra", getattr(surface, "model", None), getattr(surface, "action", ""))
        return surface
    if name in pages:
        return Surface(name, "page")
    if name.startswith("api:"):
        return _api_surface(name)
    return None


def surfaces(pages: dict[str, Callable]) -> dict[str, Surface]:
    """Every classified surface by name (a name served under several routes, e.g. format suffixes, once)."""
    found = {}
    for name, route in url_patterns():
        surface = classify(name, route, pages)
        if surface is not None:
            found.setdefault(surface.name, surface)
    return found


def unclassified(pages: dict[str, Callable]) -> list[str]:
    return [f"{name} ({route})" for name, route in url_patterns() if classify(name, route, pages) is None]
