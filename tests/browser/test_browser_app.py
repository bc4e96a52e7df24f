"""A browser app on another origin: oauth4webapi in Chromium, end to end.

The page (tests/browser/spa/) is served from its own loopback origin and
runs the whole flow from the browser: redirect, sign-in, consent, the code
exchange with PKCE from the page (CORS), a call to /api/v1/me, refresh and
revocation. Served from an origin the client does not list, the browser
refuses to hand the token response to the page.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest

from oauth_grants.models import AccessToken, Client, RefreshToken
from tests.browser.static_origin import OAUTH4WEBAPI, static_origin
from tests.factories import make_client, make_user
from tests.live_http import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SPA = Path(__file__).resolve().parent / "spa"


@pytest.fixture(autouse=True)
def _needs_oauth4webapi():
    if not OAUTH4WEBAPI.exists():
        pytest.skip("run `make interop-deps` (npm ci) for oauth4webapi")


def run_in_browser(page, base: str, origin: str, client_id: str) -> dict:
    config = {
        "issuer": base,
        "client_id": client_id,
        "api": base + "/api/v1/",
        "scope": "profile documents:read",
    }
    page.goto(origin + "/app.html?" + urlencode(config))
    page.wait_for_url(base + "/accounts/login/**")
    sign_in(page, "bea", "bea-password-42")
    page.click("button[value=approve]")
    page.wait_for_selector("#result", timeout=20000)
    return json.loads(page.inner_text("#result"))


def test_browser_app_runs_the_whole_flow_from_its_own_origin(
    live_server, new_page, settings, artifacts
):
    settings.AUTHSERVER_ISSUER = live_server.url
    make_user("bea", "bea-password-42")
    with static_origin(SPA) as origin:
        settings.RESOURCE_API = {
            **settings.RESOURCE_API,
            "CORS_ALLOWED_ORIGINS": [origin],
        }
        app = make_client(
            client_type=Client.CLIENT_PUBLIC,
            name="Notes web",
            redirect_uris=[origin + "/app.html"],
            allowed_origins=[origin],
        )
        page = new_page()
        result = run_in_browser(page, live_server.url, origin, app.client_id)
        page.screenshot(path=str(artifacts / "browser-app.png"))
    assert result == {
        "ok": True,
        "me_status": 200,
        "username": "bea",
        "refreshed": True,
        "me_after_refresh_status": 200,
        "me_after_revoke_status": 401,
    }
    assert AccessToken.objects.filter(application=app.client).count() == 2
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()


def test_the_same_page_from_an_origin_the_client_does_not_list_is_refused(
    live_server, new_page, settings
):
    settings.AUTHSERVER_ISSUER = live_server.url
    make_user("bea", "bea-password-42")
    with static_origin(SPA) as allowed, static_origin(SPA) as foreign:
        app = make_client(
            client_type=Client.CLIENT_PUBLIC,
            name="Notes web",
            redirect_uris=[allowed + "/app.html", foreign + "/app.html"],
            allowed_origins=[allowed],
        )
        result = run_in_browser(new_page(), live_server.url, foreign, app.client_id)
    # fetch() rejects: the token response carries no Access-Control-Allow-Origin
    # for this origin, so the page never sees a token.
    assert result["ok"] is False
    assert result["name"] == "TypeError", result
