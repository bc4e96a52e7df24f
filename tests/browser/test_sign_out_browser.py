"""Sign-out through a web app (RP-Initiated Logout) in Chromium.

The app signs the person in (code flow with openid), later sends the
browser to the end-session endpoint with the ID token as hint, its
registered post-logout redirect URI and a state; the browser comes back
with the state and the next authorization asks the person to sign in.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.browser.static_origin import static_origin
from tests.factories import Pkce, make_client, make_user
from tests.live_http import authorize_query, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CALLBACK = "https://webapp.example.test/callback"


@pytest.fixture
def signed_out_page():
    """Where the app shows "you are signed out": a page on its own origin."""
    with static_origin(Path(__file__).resolve().parent / "spa") as origin:
        yield origin + "/signed-out"


def test_web_app_signs_the_person_out(
    live_server, new_page, settings, artifacts, signed_out_page
):
    settings.AUTHSERVER_ISSUER = live_server.url
    make_user("sol", "sol-password-42")
    app = make_client(
        name="Web app",
        redirect_uris=[CALLBACK],
        post_logout_redirect_uris=[signed_out_page],
    )
    page = new_page()
    page.route("https://webapp.example.test/**", lambda route: route.fulfill(body="ok"))
    pkce = Pkce.new()
    authorize = (
        live_server.url
        + "/oauth/authorize?"
        + authorize_query(app.client_id, CALLBACK, pkce.challenge, "openid", "a-1")
    )
    page.goto(authorize)
    sign_in(page, "sol", "sol-password-42")
    page.click("button[value=approve]")
    page.wait_for_url(CALLBACK + "**")
    code = parse_qs(urlsplit(page.url).query)["code"][0]
    tokens = requests.post(
        live_server.url + "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": pkce.verifier,
        },
        auth=(app.client_id, app.secret),
        timeout=10,
    ).json()
    metadata = requests.get(
        live_server.url + "/.well-known/openid-configuration", timeout=10
    ).json()
    page.goto(
        metadata["end_session_endpoint"]
        + "?"
        + urlencode(
            {
                "id_token_hint": tokens["id_token"],
                "post_logout_redirect_uri": signed_out_page,
                "state": "bye-1",
            }
        )
    )
    page.wait_for_url(signed_out_page + "**")
    assert parse_qs(urlsplit(page.url).query) == {"state": ["bye-1"]}
    page.goto(authorize)
    assert page.locator("#id_username").is_visible()
    # Without a hint the person is asked first.
    sign_in(page, "sol", "sol-password-42")
    page.wait_for_url(CALLBACK + "**")
    page.goto(metadata["end_session_endpoint"])
    page.screenshot(path=str(artifacts / "sign-out-confirm-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "sign-out-confirm-390.png"))
    page.click("button[value=sign_out]")
    assert "signed out" in page.inner_text("h1")
