"""Small helpers for the editor-workflow tests: admin form data read from the page, as a browser would send it."""

import re
from html import unescape

_INPUT = re.compile(r"<input\b[^>]*>", re.S)
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def form_inputs(html: str) -> dict[str, str]:
    """Every hidden input of a page (management forms, opened_version …), name → value."""
    data = {}
    for tag in _INPUT.findall(html):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get("type") == "hidden" and "name" in attrs:
            data[attrs["name"]] = unescape(attrs.get("value", ""))
    return data
