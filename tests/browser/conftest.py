"""Real Chromium (Debian's package) driven by Playwright, for browser tests.

`playwright install` cannot download browsers here, so the system Chromium
is used. Without it the browser tests skip, except under CI, where a
missing browser is a failure (.ci/run installs it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

# Playwright's sync API keeps an event loop in this thread; the ORM calls the
# tests make between browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(
                "Chromium is missing at /usr/bin/chromium (apt-get install chromium)"
            )
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    """Factory for pages in fresh browser contexts (separate cookie jars)."""
    contexts = []

    def make(width: int = 1280, height: int = 800, **options: object):
        # options go to new_context: color_scheme="dark", bypass_csp=True (axe)...
        context = chromium.new_context(
            viewport={"width": width, "height": height}, **options
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
