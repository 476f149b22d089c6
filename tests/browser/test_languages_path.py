"""The diplomat's path in French and in Spanish: no interface English left on the way.

Search → filter → recommendation → State profile → briefing → briefing PDF, in a real browser, each page
checked against the English catalogue: a phrase the French (or Spanish) catalogue translates must not be
read in English on the page. Recommendation texts keep the language of their source (they carry their own
`lang`); everything else a reader sees is the interface's, the reference names' or an organisation's own words.
Screenshots go to test-artifacts/screenshots/ (search and State profile in each language).
"""

import io
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.browser.test_diplomat_path import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LOCALE = Path(settings.BASE_DIR) / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\{.*?\}\}|\{\w*\}|<[^>]+>|&\w+;|\n")

# The page's own words, without the parts written in another language (recommendation texts carry `lang`)
# and without what the visitor cannot read (scripts, styles, the visually hidden skip link still counts).
VISIBLE_TEXT = """(language) => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('script, style, template, noscript').forEach((node) => node.remove());
  copy.querySelectorAll('[lang]').forEach((node) => {
    if (node.getAttribute('lang') !== language) node.remove();
  });
  return copy.innerText;
}"""


def english_phrases(language: str, *, only_from: tuple[str, ...] = ()) -> set[str]:
    """English phrases the catalogue of `language` translates into something else.

    Each msgid is cut at its placeholders and markup; a piece counts when it is a phrase of two words or
    more, or a capitalised single word of five letters or more (a button, a heading, a column).
    """
    phrases = set()
    for entry in polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po")):
        if entry.obsolete or not entry.translated():
            continue
        if only_from and not any(path.startswith(only_from) for path, _line in entry.occurrences):
            continue
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            for piece in PLACEHOLDER.split(msgid):
                piece = piece.strip(" .,:;·—–-()“”‘’'\"?!…")
                words = piece.split()
                long_word = len(words) == 1 and len(piece) >= 5 and piece[0].isupper() and piece.isalpha()
                if (len(words) >= 2 or long_word) and not any(
                    piece.casefold() in text.casefold() for text in translations
                ):
                    phrases.add(piece)
    return phrases


def english_left(text: str, phrases: set[str]) -> list[str]:
    return sorted(phrase for phrase in phrases if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text))


# Proper names in the data (tests/site_data.py) that contain a word the catalogue translates ("Watch", the
# column of My watches): an organisation's name is not interface English.
DATA_NAMES = ("Defenders Watch", "Human Rights Watch")


def check(page, language: str, phrases: set[str], where: str) -> None:
    text = page.evaluate(VISIBLE_TEXT, language)
    for name in DATA_NAMES:
        text = text.replace(name, "")
    assert page.locator("html").get_attribute("lang") == language, where
    assert english_left(text, phrases) == [], f"English left on {where} ({page.url})"


def test_the_checker_finds_the_interface_english_on_an_english_page(new_page, live_server, kazakhstan_2010):
    """The check below can fail: the same walk in English finds dozens of catalogue phrases."""
    page = new_page(viewport=DESKTOP)
    page.goto(live_server.url + "/recommendations/?q=defenders")
    found = english_left(page.evaluate(VISIBLE_TEXT, "en"), english_phrases("fr"))
    assert len(found) >= 20, found
    assert "Apply filters" in found


@pytest.mark.parametrize(
    ("language", "search", "theme", "state", "profile", "briefing"),
    [
        ("fr", "Rechercher", "Défenseurs des droits de l'homme", "Kazakhstan", "Kazakhstan", "Note d’information"),
        ("es", "Buscar", "Defensores de los derechos humanos", "Kazajistán", "Kazajistán", "Nota informativa"),
    ],
)
def test_the_diplomat_path_reads_in_the_chosen_language(
    new_page, live_server, kazakhstan_2010, screenshot, language, search, theme, state, profile, briefing
):
    from playwright.sync_api import expect

    phrases = english_phrases(language)
    page = new_page(viewport=DESKTOP, locale=language, accept_downloads=True)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # A first visit from a browser asking for the language lands on its pages.
    page.goto(live_server.url + "/")
    page.wait_for_url(re.compile(rf"/{language}/$"))
    check(page, language, phrases, "home")

    # Search.
    page.locator("input[name=q]").first.fill("human rights defenders")
    page.get_by_role("button", name=search, exact=True).first.click()
    page.wait_for_url(re.compile(rf"/{language}/recommendations/\?q="))
    expect(page.locator("#results-title")).to_contain_text("6")
    check(page, language, phrases, "search")

    # Filter by a theme, named in the language.
    page.get_by_role("checkbox", name=re.compile(rf"^{re.escape(theme)}")).check()
    expect(page.locator("#results-title")).to_contain_text("5")
    assert "theme=upr-info%3Ahuman-rights-defenders" in page.url
    check(page, language, phrases, "filtered search")
    screenshot(page, f"search-{language}")

    # A recommendation: its text keeps its own language, the page around it is translated.
    page.locator(f"a[href='/{language}/recommendations/{kazakhstan_2010.pk}/']").first.click()
    page.wait_for_url(re.compile(rf"/{language}/recommendations/{kazakhstan_2010.pk}/$"))
    expect(page.locator(".recommendation-text")).to_have_attribute("lang", "en")
    check(page, language, phrases, "recommendation")

    # The State profile.
    page.get_by_role("link", name=state, exact=True).first.click()
    page.wait_for_url(re.compile(rf"/{language}/states/KAZ/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(profile)
    check(page, language, phrases, "State profile")
    screenshot(page, f"state-profile-{language}")

    # The briefing, then its PDF.
    page.goto(live_server.url + f"/{language}/states/KAZ/briefing/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(state)
    check(page, language, phrases, "briefing")
    assert briefing.lower() in page.locator("main").inner_text().lower()
    pdf_url = page.locator(".briefing-actions a").first.get_attribute("href")
    assert pdf_url.startswith(f"/{language}/")
    pdf = page.request.get(live_server.url + pdf_url)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    pdf_text = pdf_words(pdf.body())
    # The PDF's own words (the briefing's headings, sentences and labels) are in the language too.
    briefing_phrases = english_phrases(language, only_from=("templates/states/briefing", "recommendations/briefings"))
    assert english_left(pdf_text, briefing_phrases) == []
    assert "Kazakhstan" in pdf_text or state in pdf_text
    assert {"fr": "Page 1 sur", "es": "Página 1 de"}[language] in pdf_text  # the foot of each page

    assert errors == []


def pdf_words(content: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)
