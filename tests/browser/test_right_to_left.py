"""A right-to-left page in the browser: the search page in a stub Arabic catalogue (tests/conftest.py, arabic)
is laid out from the right, with no sideways scrolling at desktop or phone width, and a screenshot to look at."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 320, "height": 640}}


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_search_page_reads_right_to_left_without_sideways_scrolling(
    live_server, new_page, arabic, screenshot, width
):
    page = new_page(viewport=WIDTHS[width])
    response = page.goto(f"{live_server.url}/ar/recommendations/")
    assert response.status == 200
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.get_by_role("link", name=arabic["Recommendations"]).count() == 1
    # Laid out from the right: the brand, first in the header, starts at its right edge.
    brand = page.locator(".brand").bounding_box()
    header = page.locator(".site-header").bounding_box()
    assert header["x"] + header["width"] - (brand["x"] + brand["width"]) < brand["x"] - header["x"]
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"
    assert screenshot(page, f"search-rtl-{width}").stat().st_size > 10_000
