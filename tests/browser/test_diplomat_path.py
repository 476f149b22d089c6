"""A diplomat's path through the public site, in a real browser.

Search a phrase, narrow by theme and response while the count follows, open a
recommendation and read its assessments and evidence, open the State's
profile, and export the results: the CSV has as many rows as the page counted.
Screenshots at desktop (1280 px) and phone (390 px) widths go to
test-artifacts/screenshots/.
"""

import csv
import re

import pytest

# live_server needs real commits; serialized_rollback restores the reference data (States, themes …)
# that migrations loaded, which the flush after a transactional test removes.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HRD = "Human rights defenders"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def count_of(page) -> int:
    return int(re.search(r"\d+", page.locator("#results-title").inner_text()).group())


def expect_count(page, number: int) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#results-title")).to_have_text(re.compile(rf"^\s*{number} recommendations?\s*$"))


def test_diplomat_searches_narrows_reads_and_exports(new_page, live_server, kazakhstan_2010, screenshot):
    from playwright.sync_api import expect

    page = new_page(viewport=DESKTOP, accept_downloads=True)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # Search a phrase from the home page.
    page.goto(live_server.url + "/")
    page.get_by_label("Search recommendations").fill("human rights defenders")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/recommendations/\?q=human\+rights\+defenders$"))
    expect_count(page, 6)  # five to Kazakhstan, one to Uzbekistan have the words
    expect(page.locator("mark").first).to_have_text("human")

    # Narrow by theme: the page updates in place, the address follows with the API's parameter names.
    page.get_by_role("group", name="Theme").get_by_role("checkbox", name=re.compile(r"^Human rights defenders")).check()
    expect_count(page, 5)  # the law on assembly is tagged with another theme
    assert "theme=upr-info%3Ahuman-rights-defenders" in page.url
    # ... and by response: the count changes again, the response facet still offers "Noted".
    page.get_by_role("group", name="Response").get_by_role("checkbox", name=re.compile(r"^Supported")).check()
    expect_count(page, 3)
    assert "response=supported" in page.url
    expect(
        page.get_by_role("group", name="Response").get_by_role("checkbox", name=re.compile(r"^Noted 2"))
    ).to_be_visible()
    # The status region announces the new count to screen readers.
    expect(page.locator("#search-status")).to_have_text("3 recommendations")
    search_url = page.url
    screenshot(page, "search-desktop")

    # Open a recommendation: its assessments and the evidence they cite.
    page.get_by_role("link", name=re.compile(r"Kazakhstan · 7th session \(2010\) · 97\.52")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Recommendation 97.52")
    expect(page.get_by_role("heading", name="Implementation assessments")).to_be_visible()
    expect(page.get_by_role("link", name="World Report 2014: Kazakhstan")).to_have_attribute(
        "href", "https://www.hrw.org/world-report/2014/country-chapters/kazakhstan"
    )
    expect(page.get_by_text("Defenders are threatened, harassed and arbitrarily detained.")).to_be_visible()
    expect(page.get_by_text("The High Commissioner asked for an independent international inquiry.")).to_be_visible()
    expect(page.locator(".timeline-item")).to_have_count(2)
    screenshot(page, "recommendation-desktop")

    # Open the State profile: the 2010 review, what Kazakhstan answered, what the evidence says.
    page.get_by_role("link", name="Kazakhstan", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kazakhstan")
    review_row = page.get_by_role("row", name=re.compile(r"Session 7 \(2010\)"))
    expect(review_row.get_by_role("cell").first).to_have_text("5")  # five recommendations received in 2010
    expect(page.get_by_text("Defenders are still harassed through the courts.")).to_be_visible()
    screenshot(page, "state-profile-desktop")

    # Back to the shared search address, export it, and compare the file with the page's count.
    page.goto(search_url)
    expected_rows = count_of(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) - 1 == expected_rows == 3
    texts = {row[rows[0].index("text")] for row in rows[1:]} if "text" in rows[0] else set()
    assert not texts or all("defenders" in text for text in texts)

    assert errors == []


def test_phone_width_reads_without_horizontal_scrolling(new_page, live_server, kazakhstan_2010, screenshot):
    from playwright.sync_api import expect

    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    pages = {
        "home-phone": "/",
        "search-phone": "/recommendations/?q=defenders&state_under_review=KAZ",
        "recommendation-phone": f"/recommendations/{kazakhstan_2010.pk}/",
        "state-profile-phone": "/states/KAZ/",
        "compare-phone": "/compare/?state=KAZ&state=UZB",
        "theme-phone": "/themes/upr-info/human-rights-defenders/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 390px"
        screenshot(page, name)

    # On a phone the filters start folded so the results come first; they open on demand.
    page.goto(live_server.url + pages["search-phone"])
    panel = page.locator("#filter-panel")
    expect(panel).not_to_have_attribute("open", "")
    page.locator("#filter-panel > summary").click()
    expect(panel).to_have_attribute("open", "")
    screenshot(page, "search-phone-filters-open")
    # Choosing a filter updates the page in place and leaves the panel as the visitor left it.
    expect_count(page, 5)
    page.get_by_role("group", name="Response").get_by_role("checkbox", name=re.compile(r"^Noted")).check()
    expect_count(page, 1)
    expect(panel).to_have_attribute("open", "")


def test_filters_work_without_javascript(new_page, live_server, kazakhstan_2010):

    page = new_page(viewport=DESKTOP, java_script_enabled=False)
    page.goto(live_server.url + "/recommendations/?q=defenders")
    expect_count(page, 6)
    page.get_by_role("group", name="Response").get_by_role("checkbox", name=re.compile(r"^Noted")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"response=noted"))
    expect_count(page, 2)


def test_keyboard_users_can_skip_to_content_and_see_focus(new_page, live_server, kazakhstan_2010):
    from playwright.sync_api import expect

    page = new_page(viewport=DESKTOP)
    page.goto(live_server.url + "/recommendations/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("element => getComputedStyle(element).top")
    assert outline != "-64px"  # moved on screen when focused
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused != "none"

    # A checkbox ticked with the keyboard keeps the focus after the in-place update.
    noted = page.get_by_role("group", name="Response").get_by_role("checkbox", name=re.compile(r"^Noted"))
    noted.focus()
    page.keyboard.press("Space")
    expect_count(page, 3)
    expect(
        page.get_by_role("group", name="Response").get_by_role("checkbox", name=re.compile(r"^Noted"))
    ).to_be_focused()
    assert "response=noted" in page.url
