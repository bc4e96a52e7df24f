"""Shared steps of the public-page walks: contexts, sign-in, the axe count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.axe import axe_violations, describe_violations

WIDTHS = ((1280, 800, "desktop"), (390, 844, "phone"))


def open_page(chromium: Any, width: int, height: int, scheme: str = "light") -> Any:
    """A page in a fresh context (own cookies); CSP bypassed so axe can load."""
    context = chromium.new_context(
        viewport={"width": width, "height": height},
        color_scheme=scheme,
        bypass_csp=True,
    )
    return context.new_page()


def sign_in(page: Any, username: str, password: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def serious_violations(page: Any, name: str) -> list[dict]:
    """axe-core's serious and critical violations on ``page``, printed with
    their count (the run's log shows every page's number)."""
    found = axe_violations(page)
    print("axe %-40s %d serious or critical" % (name, len(found)))
    if found:
        print(describe_violations(found))
    return found


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / (name + ".png")), full_page=True)
