"""Small helpers for the editor-workflow tests: admin form data read from the page, as a browser would send it,
and a valid public submission of an assessment."""

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


def submission_form_data(org, **changes) -> dict:
    """A valid public submission of an assessment with its evidence (recommendations:submit-assessment)."""
    return {
        "organisation": org.pk,
        "status": "not_implemented",
        "assessed_on": "2014-05-01",
        "narrative": "Two defenders were sentenced in March.",
        "evidence_title": "Annual report 2013",
        "evidence_url": "https://kibhr.example.org/report-2013",
        "evidence_publisher": "KIBHR",
        "name": "Aigerim",
        "contact": "aigerim@example.org",
        "your_organisation": "A local NGO",
        "website": "",
        **changes,
    }
