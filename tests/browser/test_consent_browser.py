"""The consent page in Chromium: untick a scope, approve, the API refuses it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.factories import Pkce, make_client, make_user
from tests.live_http import authorize_query
from tests.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def test_unticked_scope_is_refused_by_the_api(live_server, new_page, artifacts):
    make_user("fay", "fay-password-42")
    callback = "http://127.0.0.1:%d/cb" % free_port()
    app = make_client(name="Photo Printer", redirect_uris=[callback])
    app.client.homepage_url = "https://printer.example.test"
    app.client.save()
    base = live_server.url
    pkce = Pkce.new()
    query = authorize_query(
        app.client_id, callback, pkce.challenge, "profile documents:read", "st"
    )
    for width, height, label in ((390, 844, "phone"), (1280, 800, "desktop")):
        page = new_page(width, height)
        page.route(callback + "*", lambda route: route.fulfill(body="ok"))
        page.goto(base + "/oauth/authorize?" + query + "&prompt=consent")
        if "/accounts/login/" in page.url:
            page.fill("#id_username", "fay")
            page.fill("#id_password", "fay-password-42")
            page.click("button[type=submit]")
        assert "Photo Printer" in page.inner_text("h1")
        assert "printer.example.test" in page.content()
        page.screenshot(
            path=str(artifacts / ("consent-%s.png" % label)), full_page=True
        )
        # Keyboard: the checkboxes are labelled and reachable.
        profile = page.get_by_label("See your name, username and email address")
        if label == "desktop":
            # Unticked on the phone a moment ago: offered unticked again.
            assert not profile.is_checked()
        else:
            profile.focus()
            page.keyboard.press("Space")
            assert not profile.is_checked()
        page.click("button[value=approve]")
        page.wait_for_url(callback + "*")
        code = parse_qs(urlsplit(page.url).query)["code"][0]
        tokens = requests.post(
            base + "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": callback,
                "code_verifier": pkce.verifier,
            },
            auth=(app.client_id, app.secret),
            timeout=10,
        ).json()
        assert tokens["scope"] == "documents:read"
        bearer = {"Authorization": "Bearer " + tokens["access_token"]}
        me = requests.get(base + "/api/v1/me", headers=bearer, timeout=10)
        assert me.status_code == 403
        assert 'scope="profile"' in me.headers["WWW-Authenticate"]
        docs = requests.get(base + "/api/v1/documents/", headers=bearer, timeout=10)
        assert docs.status_code == 200
        page.goto(base + "/account/apps/")
        page.screenshot(
            path=str(artifacts / ("account-apps-%s.png" % label)), full_page=True
        )
        assert "Photo Printer" in page.content()
