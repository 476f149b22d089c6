"""The search box's syntax in a real browser: the tips, the hints of what a search also looked for, and the
message for words it cannot read. Screenshots go to test-artifacts/screenshots/."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1280, "height": 900}


def search(page, words: str) -> None:
    page.get_by_label("Search the text of recommendations").fill(words)
    page.get_by_role("button", name="Search", exact=True).click()


def test_reader_sees_tips_hints_and_unreadable_words(new_page, live_server, kazakhstan_2010, screenshot):
    from playwright.sync_api import expect

    page = new_page(viewport=DESKTOP)
    page.goto(live_server.url + "/recommendations/")

    search(page, "(defender* OR journalists) AND NOT libel")
    expect(page.locator("#results-title")).to_have_text(re.compile(r"^\s*5 recommendations\s*$"))
    page.get_by_text("Search tips").click()
    expect(page.get_by_text("A star at the end of a word finds every word it starts")).to_be_visible()
    screenshot(page, "search-syntax-tips")

    search(page, "woman")
    hints = page.locator("#search-expanded")
    expect(hints).to_contain_text("Also searched: women.")
    expect(hints).to_contain_text("Also matched the theme Women's rights.")
    # Two groups of one kind are named in one sentence, not one sentence each.
    expect(hints).to_contain_text("Also matched the affected groups Women and Women & girls.")
    screenshot(page, "search-syntax-hints")

    search(page, "(defenders")
    expect(page.get_by_role("alert")).to_contain_text("A parenthesis is not closed: add a ) to match each (.")
    screenshot(page, "search-syntax-error")
