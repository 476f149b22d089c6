"""The States filter, compare's cycles and the briefing's filters in a real browser: the States list narrows as
the visitor types (site.js, no request per key), and each new state of these pages passes axe-core's WCAG 2.1
A/AA rules without sideways scrolling at 320 px. Screenshots go to test-artifacts/screenshots/."""

import re

import pytest

from recommendations import demo
from tests.browser.test_accessibility import WIDTHS, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Each new state of the three pages, by the name of its screenshot.
STATES = {
    "states-default": "/states/",
    "states-filtered": "/states/?q=kaz",
    "states-no-match": "/states/?q=Tuvalu",
    "states-all": "/states/?all=on",
    "compare-latest": "/compare/?state=KAZ&state=UZB",
    "compare-cycle-1": "/compare/?state=KAZ&state=UZB&cycle=1",
    "compare-all-cycles": "/compare/?state=KAZ&state=UZB&cycle=all",
    "compare-bad-cycle": "/compare/?state=KAZ&state=UZB&cycle=99",
    "briefing-filtered": "/states/KAZ/briefing/?affected_group=human-rights-defenders&cycle=1",
    "briefing-fr": "/fr/states/KAZ/briefing/?affected_group=human-rights-defenders",
    "states-es": "/es/states/?q=Kazajist%C3%A1n",
    "compare-fr": "/fr/compare/?state=KAZ&state=UZB&cycle=all",
}


@pytest.fixture
def demo_site():
    demo.load_demo()


def test_the_states_list_narrows_as_the_visitor_types(new_page, live_server, demo_site):
    from playwright.sync_api import expect

    page = new_page(viewport=WIDTHS["desktop"])
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/states/")
    status = page.get_by_role("status")
    shown_at_first = int(page.locator("[data-state-shown]").inner_text())
    assert 0 < shown_at_first < 195

    box = page.get_by_label("Filter by name or code")
    box.press_sequentially("kazaj")  # Spanish
    expect(status).to_have_text("Showing 1 of 195 States.")
    expect(page.locator("tr[data-names]:visible")).to_have_count(1)
    expect(page.get_by_role("link", name="Kazakhstan", exact=True)).to_be_visible()
    assert page.url.endswith("/states/?q=kazaj")  # the address can be shared, without a request having been made

    box.fill("Tuvalu")  # no recommendations in the demo: hidden until the box is ticked
    expect(status).to_have_text("Showing 0 of 195 States.")
    expect(page.get_by_text("No State matches this filter.")).to_be_visible()
    page.get_by_label("Also list States with no recommendations recorded").check()
    expect(status).to_have_text("Showing 1 of 195 States.")
    expect(page.get_by_role("link", name="Tuvalu")).to_be_visible()
    expect(page.get_by_text("No State matches this filter.")).to_be_hidden()
    assert page.url.endswith("/states/?q=Tuvalu&all=on")

    box.fill("")
    expect(status).to_have_text("Showing 195 of 195 States.")
    assert errors == []


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_new_states_of_these_pages_pass_wcag_21_aa(live_server, new_page, demo_site, screenshot, width):
    page = new_page(viewport=WIDTHS[width])
    found = {}
    for name, url in STATES.items():
        response = page.goto(live_server.url + url)
        assert response.status == (400 if name.endswith("bad-cycle") else 200), url
        problems = violations(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            problems.append(f"the page scrolls sideways by {overflow} px")
        if problems:
            found[url] = problems
        screenshot(page, f"site-{name}-{width}")
    assert not found, found


def test_the_briefing_form_leads_to_the_filtered_page_and_pdf(new_page, live_server, demo_site):
    page = new_page(viewport=WIDTHS["phone"])
    page.goto(live_server.url + "/states/KAZ/briefing/")
    page.get_by_label("Affected persons").select_option("human-rights-defenders")
    page.get_by_label("Cycle").select_option("1")
    page.get_by_role("button", name="Update the briefing").click()
    page.wait_for_url(re.compile(r"affected_group=human-rights-defenders&cycle=1$"))
    assert page.get_by_label("Cycle").input_value() == "1"
    pdf = page.get_by_role("link", name="Download PDF").get_attribute("href")
    assert pdf == "/states/KAZ/briefing.pdf?affected_group=human-rights-defenders&cycle=1"
