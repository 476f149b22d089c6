"""The API's own serializer fields: links reversed once per page, related fields whose choices go through
the policy (permissions.visible); and highlighted snippets."""

import functools

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recommendations import permissions
from recommendations.search.text import MARK_START, MARK_STOP


@extend_schema_field({"type": "string", "format": "uri", "readOnly": True})
class LinkField(serializers.Field):
    """An object's absolute API URL, like HyperlinkedIdentityField, but reversed once per serializer.

    django.urls.reverse is slow next to formatting a string, and a page of
    objects would reverse once per object and link. The URL is reversed once with
    a sentinel as the lookup value (the last path segment) and formatted per row.
    """

    def __init__(self, view_name: str, *, lookup_field: str = "pk", sentinel: str = "987654321", **kwargs) -> None:
        self.view_name, self.lookup_field, self.sentinel = view_name, lookup_field, sentinel
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, obj) -> str:
        prefix, suffix = self._template()
        return f"{prefix}{getattr(obj, self.lookup_field)}{suffix}"

    def _template(self) -> tuple[str, str]:
        if not hasattr(self, "_parts"):
            lookup_kwarg = "pk" if self.lookup_field == "pk" else self.lookup_field
            self._parts = link_template(self.view_name, self.context.get("request"), lookup_kwarg, self.sentinel)
        return self._parts


def link_template(
    view_name: str, request: HttpRequest | None, lookup_kwarg: str = "pk", sentinel: str = "987654321"
) -> tuple[str, str]:
    """(prefix, suffix) of an object's absolute API URL: the URL is prefix + lookup value + suffix."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    path = _reversed(view_name, lookup_kwarg, sentinel, urlconf, get_script_prefix(), get_language())
    url = request.build_absolute_uri(path) if request is not None else path
    prefix, _, suffix = url.rpartition(sentinel)
    return prefix, suffix


@functools.lru_cache(maxsize=64)
def _reversed(
    view_name: str, lookup_kwarg: str, sentinel: str, urlconf: object, script_prefix: str, language: str | None
) -> str:
    """reverse(), kept: the same arguments give the same path under the same URLconf, script prefix and
    language, and a namespaced reverse() costs about 0.1 ms, a tenth of one recommendation's answer
    (bench/NOTES.md)."""
    return reverse(view_name, kwargs={lookup_kwarg: sentinel}, urlconf=urlconf)


class VisibleChoices:
    """A related field that accepts only what the request's user may see (permissions.visible): an id the user
    may not see is answered like one that does not exist. Every writable related field uses it."""

    def get_queryset(self):
        request = self.context.get("request")
        return permissions.visible(super().get_queryset(), getattr(request, "user", None))


class VisiblePrimaryKeyField(VisibleChoices, serializers.PrimaryKeyRelatedField):
    pass


class VisibleSlugField(VisibleChoices, serializers.SlugRelatedField):
    pass


class WritableOrganisationField(serializers.SlugRelatedField):
    """An organisation the request's user writes for (permissions.organisation_choices)."""

    def get_queryset(self):
        request = self.context.get("request")
        return permissions.organisation_choices(getattr(request, "user", None))


def marked_snippet(headline: str | None) -> str | None:
    """A headline escaped as HTML, its matches in <mark>; None stays None."""
    if headline is None:
        return None
    return escape(headline).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
