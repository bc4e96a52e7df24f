"""A developer on /api/docs/ presses Authorize with the demo data, gets a token
through the real flow (popup, sign-in, consent, PKCE) and calls the API."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.browser.public_pages import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "width,height,label", [(1280, 800, "desktop"), (390, 844, "phone")]
)
def test_developer_authorizes_in_the_docs_and_calls_the_api(
    live_server, chromium, artifacts, settings, tmp_path, width, height, label
):
    # A loopback address literal: the only plain-http redirect URI allowed.
    base = live_server.url.replace("localhost", "127.0.0.1")
    settings.AUTHSERVER_ISSUER = base
    settings.BASE_DIR = tmp_path  # seed_demo writes .demo/ there
    settings.RESOURCE_API = {**settings.RESOURCE_API, "DOCS_CLIENT_ID": "api-docs-demo"}
    call_command("seed_demo", "--force", stdout=io.StringIO())

    context = chromium.new_context(
        viewport={"width": width, "height": height}, bypass_csp=True
    )
    try:
        page = context.new_page()
        page.goto(base + "/api/docs/")
        page.wait_for_selector(".swagger-ui .opblock")
        intro = page.inner_text(".api-intro")
        assert "How to get a token" in intro and "api-docs-demo" in intro
        assert serious_violations(page, "api-docs %s" % label) == []
        page.screenshot(path=str(artifacts / ("docs-%s.png" % label)), full_page=False)

        page.click("button.authorize")
        dialog = page.locator(".dialog-ux")
        dialog.wait_for()
        page.screenshot(path=str(artifacts / ("docs-authorize-%s.png" % label)))
        assert (
            dialog.locator("#client_id_authorizationCode").input_value()
            == "api-docs-demo"
        )
        page.screenshot(path=str(artifacts / ("docs-authorize-%s.png" % label)))
        with page.expect_popup() as popup_info:
            dialog.locator("button.authorize").click()
        popup = popup_info.value
        popup.wait_for_selector("#id_username")
        assert "API docs (demo)" in popup.inner_text("main")
        popup.fill("#id_username", "demo")
        popup.fill("#id_password", "demo-password")
        popup.click("button[type=submit]")
        popup.wait_for_selector("button[value=approve]")
        popup.screenshot(path=str(artifacts / ("docs-consent-%s.png" % label)))
        popup.click("button[value=approve]")
        popup.wait_for_event("close")
        # Swagger UI redeemed the code (PKCE verifier, public client).
        dialog.locator("h6", has_text="Authorized").wait_for()
        page.screenshot(path=str(artifacts / ("docs-authorized-%s.png" % label)))
        dialog.locator("button.btn-done").click()

        me = page.locator(".opblock-get", has_text="/api/v1/me")
        me.locator(".opblock-summary").click()
        me.locator("button.try-out__btn").click()
        me.locator("button.execute").click()
        code = me.locator(
            ".live-responses-table tr.response .response-col_status"
        ).first
        code.wait_for()
        assert code.inner_text().strip() == "200"
        assert '"username": "demo"' in me.locator(".live-responses-table").inner_text()
        page.screenshot(path=str(artifacts / ("docs-me-%s.png" % label)))
    finally:
        context.close()
