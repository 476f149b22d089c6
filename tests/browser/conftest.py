"""Playwright driving Debian's Chromium (/usr/bin/chromium): never Playwright's own browser download."""

from pathlib import Path

import pytest
from django.conf import settings

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
