"""A person in Chromium at 1280 and 390 px: approves, unticks, denies, revokes
an app (with its confirmation); and axe-core over every public page, light
and dark: no serious or critical violation."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.template.loader import render_to_string

from oauth_grants.models import ClientScope, Consent
from tests.browser.public_pages import (
    WIDTHS,
    open_page,
    serious_violations,
    shot,
    sign_in,
)
from tests.factories import Pkce, make_client, make_user
from tests.live_http import authorize_query
from tests.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "gale-password-42"


@pytest.fixture
def printer(live_server):
    """A client with homepage, privacy policy, terms and one required scope."""
    make_user("gale", PASSWORD)
    callback = "http://127.0.0.1:%d/cb" % free_port()
    app = make_client(
        name="Photo Printer",
        redirect_uris=[callback],
        homepage_url="https://printer.example.test",
        privacy_policy_uri="https://printer.example.test/privacy",
        terms_of_service_uri="https://printer.example.test/terms",
    )
    ClientScope.objects.filter(client=app.client, scope__name="documents:read").update(
        required=True
    )
    app.callback = callback
    return app


def authorize(page, base, app, scope, pkce, state, extra=""):
    page.route(app.callback + "*", lambda route: route.fulfill(body="callback"))
    query = authorize_query(app.client_id, app.callback, pkce.challenge, scope, state)
    page.goto(base + "/oauth/authorize?" + query + extra)


def redeem(base, app, url, pkce):
    code = parse_qs(urlsplit(url).query)["code"][0]
    return requests.post(
        base + "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": app.callback,
            "code_verifier": pkce.verifier,
        },
        auth=(app.client_id, app.secret),
        timeout=10,
    ).json()


@pytest.mark.parametrize("width,height,label", WIDTHS)
def test_person_approves_unticks_then_denies(
    live_server, chromium, artifacts, printer, width, height, label
):
    base = live_server.url
    page = open_page(chromium, width, height)
    scope = "profile documents:read email"
    pkce = Pkce.new()
    authorize(page, base, printer, scope, pkce, "walk-1")
    assert "Photo Printer" in page.inner_text(".lead")
    shot(page, artifacts, "walk-sign-in-%s" % label)
    sign_in(page, "gale", PASSWORD)
    assert "gale@example.test" in page.inner_text(".account")
    assert page.get_by_role("link", name="Photo Printer's privacy policy").count() == 1
    assert "Untick anything" in page.inner_text("fieldset")
    shot(page, artifacts, "walk-consent-%s" % label)
    # The keyboard alone: focus the email box, untick it with Space.
    email = page.get_by_label("See your email address")
    email.focus()
    page.keyboard.press("Space")
    assert not email.is_checked()
    assert page.get_by_label("Read your documents").is_disabled()  # required
    page.click("button[value=approve]")
    page.wait_for_url(printer.callback + "*")
    tokens = redeem(base, printer, page.url, pkce)
    assert set(tokens["scope"].split()) == {"profile", "documents:read"}
    assert Consent.objects.get().declined_scopes == ["email"]

    # Asked again: email comes back unticked; this time the person denies.
    authorize(page, base, printer, scope, Pkce.new(), "walk-2")
    assert not page.get_by_label("See your email address").is_checked()
    shot(page, artifacts, "walk-consent-declined-remembered-%s" % label)
    page.click("button[value=deny]")
    page.wait_for_url(printer.callback + "*")
    answer = parse_qs(urlsplit(page.url).query)
    assert answer["error"] == ["access_denied"] and answer["state"] == ["walk-2"]
    page.context.close()


@pytest.mark.parametrize("width,height,label", WIDTHS)
def test_person_revokes_an_app_after_confirming(
    live_server, chromium, artifacts, printer, width, height, label
):
    base = live_server.url
    page = open_page(chromium, width, height)
    pkce = Pkce.new()
    authorize(page, base, printer, "profile documents:read", pkce, "walk-3")
    sign_in(page, "gale", PASSWORD)
    page.click("button[value=approve]")
    page.wait_for_url(printer.callback + "*")
    bearer = {
        "Authorization": "Bearer "
        + redeem(base, printer, page.url, pkce)["access_token"]
    }
    assert (
        requests.get(base + "/api/v1/me", headers=bearer, timeout=10).status_code == 200
    )

    page.goto(base + "/account/apps/")
    assert "Last used" in page.inner_text("table")
    shot(page, artifacts, "walk-account-apps-%s" % label)
    page.get_by_role("link", name="Revoke access for Photo Printer").click()
    assert "Revoke access for Photo Printer?" in page.inner_text("h1")
    shot(page, artifacts, "walk-revoke-confirm-%s" % label)
    # Cancel first: nothing happens.
    page.get_by_role("link", name="Cancel").click()
    assert Consent.objects.count() == 1
    page.get_by_role("link", name="Revoke access for Photo Printer").click()
    page.get_by_role("button", name="Revoke access").click()
    page.wait_for_url(base + "/account/apps/")
    assert "Photo Printer no longer has access." in page.inner_text("[role=status]")
    shot(page, artifacts, "walk-revoked-%s" % label)
    assert not Consent.objects.exists()
    assert (
        requests.get(base + "/api/v1/me", headers=bearer, timeout=10).status_code == 401
    )
    page.context.close()


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two CSS rgb()/rgba() colours (alpha ignored)."""

    def luminance(css: str) -> float:
        red, green, blue = (int(float(v)) for v in re.findall(r"[\d.]+", css)[:3])

        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


FOCUS_COLOURS = r"""() => {
  const el = document.activeElement;
  let node = el.parentElement, background = "rgba(0, 0, 0, 0)";
  while (node && /rgba\(0, 0, 0, 0\)|transparent/.test(background)) {
    background = getComputedStyle(node).backgroundColor;
    node = node.parentElement;
  }
  const style = getComputedStyle(el);
  return {tag: el.tagName, outline: style.outlineColor,
          width: style.outlineWidth, style: style.outlineStyle, background};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_focus_ring_stands_out_3_to_1(live_server, chromium, printer, scheme):
    """WCAG 1.4.11: the keyboard focus indicator against what is behind it."""
    page = open_page(chromium, 1280, 800, scheme)
    authorize(page, live_server.url, printer, "profile email", Pkce.new(), "focus")
    sign_in(page, "gale", PASSWORD)
    seen = 0
    for _ in range(8):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_COLOURS)
        if ring["tag"] == "BODY":
            continue
        seen += 1
        assert ring["style"] != "none" and ring["width"] != "0px", ring
        assert contrast(ring["outline"], ring["background"]) >= 3, ring
    assert seen >= 5
    page.context.close()


def test_no_public_page_has_a_serious_accessibility_violation(
    live_server, chromium, artifacts, printer
):
    """Sign-in (plain, for an app, refused), consent, the error page, the
    account pages, the docs, the sign-out confirmation, and the 500/503
    pages: each at both widths, in
    the light and the dark scheme."""
    base = live_server.url
    totals: dict[str, int] = {}
    for width, height, label in WIDTHS:
        for scheme in ("light", "dark"):
            tag = "%s-%s" % (label, scheme)
            page = open_page(chromium, width, height, scheme)

            def check(name: str, page=page, tag=tag) -> None:
                found = serious_violations(page, "%s %s" % (name, tag))
                totals["%s %s" % (name, tag)] = len(found)
                shot(page, artifacts, "a11y-%s-%s" % (name, tag))

            page.goto(base + "/accounts/login/")
            check("sign-in")
            page.fill("#id_username", "gale")
            page.fill("#id_password", "wrong password")
            page.click("button[type=submit]")
            check("sign-in-refused")
            page.goto(base + "/oauth/authorize?client_id=unknown&response_type=code")
            check("error")
            pkce = Pkce.new()
            authorize(page, base, printer, "profile documents:read email", pkce, "a11y")
            check("sign-in-for-app")
            sign_in(page, "gale", PASSWORD)
            page.keyboard.press("Tab")  # a focus ring on screen for the screenshot
            check("consent")
            page.click("button[value=approve]")
            page.wait_for_url(printer.callback + "*")
            page.goto(base + "/account/apps/")
            check("account-apps")
            page.get_by_role("link", name="Revoke access for Photo Printer").click()
            check("revoke-confirm")
            page.get_by_role("button", name="Revoke access").click()
            page.wait_for_url(base + "/account/apps/")
            check("account-apps-empty")
            page.goto(base + "/api/docs/")
            page.wait_for_selector(".swagger-ui .opblock")
            check("api-docs")
            # RP-initiated sign-out without an ID token hint: the person confirms.
            page.goto(base + "/oauth/logout")
            check("sign-out-confirm")
            for template in ("500.html", "503.html"):
                page.set_content(render_to_string(template))
                check(template.replace(".html", ""))
            page.context.close()
    summary = "axe: %d pages checked, %d serious or critical violations in all" % (
        len(totals),
        sum(totals.values()),
    )
    print(summary)
    # The count for CI's log and artifacts (pytest keeps a passing test quiet).
    (artifacts / "axe-public-pages.txt").write_text(
        "".join("%-32s %d\n" % item for item in sorted(totals.items())) + summary + "\n"
    )

    assert {name: n for name, n in totals.items() if n} == {}
