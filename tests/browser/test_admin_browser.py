"""Issue 4 in a real browser: register a client, use it, revoke its token."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from oauth_grants.models import AccessToken
from tests.factories import Pkce, make_scopes, make_user
from tests.live_http import authorize_query
from tests.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_registers_client_and_revokes_its_token(live_server, new_page, artifacts):
    make_scopes()
    get_user_model().objects.create_superuser(
        "root", "root@example.test", "root-pass-42"
    )
    make_user("erin", "erin-password-42")
    base = live_server.url
    callback = "http://127.0.0.1:%d/cb" % free_port()

    admin = new_page()
    admin.goto(base + "/admin/")
    admin.fill("#id_username", "root")
    admin.fill("#id_password", "root-pass-42")
    admin.click("input[type=submit]")
    admin.goto(base + "/admin/oauth_grants/client/add/")
    admin.fill("#id_name", "Browser App")
    admin.check("input[name=client_type][value=confidential]")
    admin.check("input[name=grant_types][value=authorization_code]")
    admin.fill("#id_redirect_uris", callback)
    admin.select_option("#id_clientscope_set-0-scope", label="profile")
    admin.screenshot(path=str(artifacts / "admin-client-form.png"), full_page=True)
    admin.click("input[name=_save]")

    secret = admin.inner_text("#client-secret").strip()
    client_id = admin.inner_text("#client-id").strip()
    assert len(secret) >= 43
    admin.click("#copy-secret")
    admin.screenshot(path=str(artifacts / "admin-secret-once.png"), full_page=True)
    admin.goto(base + "/admin/oauth_grants/client/")
    assert secret not in admin.content()

    person = new_page()
    person.route(callback + "*", lambda route: route.fulfill(body="callback reached"))
    pkce = Pkce.new()
    query = authorize_query(
        client_id, callback, pkce.challenge, "profile", "browser-state"
    )
    person.goto(base + "/oauth/authorize?" + query)
    person.fill("#id_username", "erin")
    person.fill("#id_password", "erin-password-42")
    person.click("button[type=submit]")
    assert "Browser App" in person.inner_text("h1")
    person.click("button[value=approve]")
    person.wait_for_url(callback + "*")
    params = parse_qs(urlsplit(person.url).query)
    assert params["state"] == ["browser-state"]

    tokens = requests.post(
        base + "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"][0],
            "redirect_uri": callback,
            "code_verifier": pkce.verifier,
        },
        auth=(client_id, secret),
        timeout=10,
    )
    assert tokens.status_code == 200, tokens.text
    bearer = {"Authorization": "Bearer " + tokens.json()["access_token"]}
    assert (
        requests.get(base + "/api/v1/me", headers=bearer, timeout=10).status_code == 200
    )

    admin.goto(base + "/admin/oauth_grants/accesstoken/")
    admin.screenshot(path=str(artifacts / "admin-token-list.png"), full_page=True)
    token_pk = AccessToken.objects.get().pk
    admin.check("input[name=_selected_action][value='%d']" % token_pk)
    admin.select_option("select[name=action]", "revoke_selected")
    admin.click("button[name=index]")
    message = admin.wait_for_selector("ul.messagelist").inner_text()
    assert "the refresh token issued with it went with it" in message

    refused = requests.get(base + "/api/v1/me", headers=bearer, timeout=10)
    assert refused.status_code == 401

    admin.goto(base + "/admin/")
    admin.screenshot(path=str(artifacts / "admin-dashboard.png"), full_page=True)
    assert admin.inner_text("#stat-active-tokens") == "0"
