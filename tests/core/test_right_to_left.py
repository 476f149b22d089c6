"""Ready for right-to-left languages: a page in a stub Arabic catalogue reads right to left, and nothing in the
stylesheets assumes left to right (the browser's view of that page: tests/browser/test_right_to_left.py)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

STYLESHEETS = sorted((Path(settings.BASE_DIR) / "static" / "css").glob("*.css"))
# Physical sides where a reading direction is meant: margins, paddings, borders, positions and alignment.
PHYSICAL = re.compile(
    r"(?<![\w-])(?:(?:margin|padding|border)-(?:left|right)[\w-]*|left|right)\s*:|text-align:\s*(?:left|right)"
)


def test_a_right_to_left_page_says_so_and_reads_in_its_language(client, arabic):
    response = client.get("/ar/recommendations/")
    assert response.status_code == 200
    html = re.search(r"<html[^>]*>", response.content.decode())[0]
    assert html == '<html lang="ar" dir="rtl">'
    body = response.content.decode()
    assert f">{arabic['Recommendations']}</a>" in body  # the navigation, from the stub catalogue
    assert '<span lang="ar" aria-current="true">العربية</span>' in body
    assert response["Content-Language"] == "ar"


def test_left_to_right_pages_say_so_too(client):
    html = re.search(r"<html[^>]*>", client.get("/fr/recommendations/").content.decode())[0]
    assert html == '<html lang="fr" dir="ltr">'


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda path: path.name)
def test_stylesheets_use_logical_sides(stylesheet):
    """margin-inline-start, not margin-left: a right-to-left page mirrors the layout by itself. The page margin
    boxes of the briefing's PDF (@top-right …) are the page's furniture, not reading direction."""
    text = re.sub(r"/\*.*?\*/", "", stylesheet.read_text(encoding="utf-8"), flags=re.S)
    assert PHYSICAL.findall(text) == []
