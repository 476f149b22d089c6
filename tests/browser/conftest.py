"""Playwright driving Debian's Chromium (/usr/bin/chromium): never Playwright's own browser download."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.site_data import D, assess, evidence, recommendation, review

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


@pytest.fixture
def new_page():
    """Open a page in a fresh browser context: `new_page(viewport=…, …)`.

    Playwright starts on the first call, inside the test, after the database
    fixtures, and stops before they are torn down. While it runs, its sync API
    keeps an event loop in this thread, and Django then hands out a different
    database connection (asgiref's Local follows the event loop): so tests
    build their data in fixtures first and make no ORM calls between browser
    steps.
    """
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")
    running = {}

    def make(**options):
        if "browser" not in running:
            running["playwright"] = sync_api.sync_playwright().start()
            running["browser"] = running["playwright"].chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
        return running["browser"].new_context(**options).new_page()

    yield make
    if "browser" in running:
        running["browser"].close()
        running["playwright"].stop()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/screenshots/<name>.png (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


HRD = "Human rights defenders"


@pytest.fixture
def kazakhstan_2010():
    """Kazakhstan's 2010 review as the seed tells it, with decoys on other themes, responses and States."""
    kaz_2010 = review("KAZ", 7, report_symbol="A/HRC/14/10", review_date=D(2010, 2, 10))
    kaz_2014 = review("KAZ", 20, report_symbol="A/HRC/28/10")
    uzb = review("UZB", 16)
    attacks = recommendation(
        kaz_2010,
        "Ensure that abuses suffered by human rights defenders and journalists are investigated",
        by=("NOR",),
        paragraph="97.52",
        response="supported",
        source="A/HRC/14/10/Add.1",
        themes=(HRD, "Freedom of the press"),
        groups=(HRD, "Journalists"),
        action_category=5,
    )
    recommendation(
        kaz_2010,
        "Create a climate in which human rights defenders can work freely",
        by=("NOR",),
        response="supported",
        themes=(HRD,),
        groups=(HRD,),
    )
    recommendation(
        kaz_2010,
        "Adopt a law on peaceful assembly that protects human rights defenders",
        by=("SWE",),
        response="supported",
        themes=("Freedom of association and peaceful assembly",),
        groups=(HRD,),
    )
    recommendation(
        kaz_2010,
        "Stop criminal prosecution of human rights defenders for libel",
        by=("ESP",),
        response="noted",
        themes=(HRD, "Freedom of the press"),
        groups=(HRD,),
    )
    recommendation(
        kaz_2014,
        "Protect human rights defenders from reprisals",
        by=("CZE",),
        response="supported",
        themes=(HRD,),
        groups=(HRD,),
    )
    # Decoys: other words, other themes, another State.
    recommendation(kaz_2010, "Abolish the death penalty", by=("FRA",), response="noted", themes=("Death penalty",))
    recommendation(uzb, "Release human rights defenders", by=("NOR",), response="noted", themes=(HRD,))
    hrw = evidence(
        "World Report 2014: Kazakhstan",
        url="https://www.hrw.org/world-report/2014/country-chapters/kazakhstan",
        published_on=D(2014, 1, 21),
    )
    pillay = evidence(
        "Opening remarks by the High Commissioner in Astana",
        publisher="OHCHR",
        kind="un_document",
        url="https://www.ohchr.org/en/statements/2012/07/astana",
    )
    assess(
        attacks,
        "not_implemented",
        D(2012, 7, 31),
        narrative="Nobody has answered for the Zhanaozen shootings.",
        cites=[(pillay, "The High Commissioner asked for an independent international inquiry.", "")],
    )
    assess(
        attacks,
        "not_implemented",
        D(2014, 1, 31),
        narrative="Defenders are still harassed through the courts.",
        cites=[(hrw, "Defenders are threatened, harassed and arbitrarily detained.", "p. 2")],
    )
    return attacks
