"""The authorization server and the resource API as two servers on loopback.

The authorization server is pytest-django's live server; the resource API is
a separate production-server process with its own SQLite database and remote
introspection, as `make run-api` runs it.
"""

from __future__ import annotations

import time

import pytest
import requests

from tests.factories import (
    REDIRECT_URI,
    Pkce,
    make_client,
    make_resource_server,
    make_user,
)
from tests.live_http import authorize_query, login_and_consent
from tests.servers import base_env, manage, serve

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]


def test_token_from_one_server_works_at_the_other_until_revoked(live_server, tmp_path):
    make_user("dora", "dora-password-42")
    app = make_client(name="Two-process App")
    rs = make_resource_server()
    env = base_env(
        DATABASE_URL="sqlite:///%s" % (tmp_path / "api.sqlite3"),
        RESOURCE_API_INTROSPECTION="remote",
        RESOURCE_API_INTROSPECTION_URL=live_server.url + "/oauth/introspect",
        RESOURCE_API_CLIENT_ID=rs.client_id,
        RESOURCE_API_CLIENT_SECRET=rs.secret,
        RESOURCE_API_CACHE_S="1",
    )
    manage("migrate", "--noinput", env=env)

    pkce = Pkce.new()
    from urllib.parse import parse_qs, urlsplit

    query = authorize_query(
        app.client_id,
        REDIRECT_URI,
        pkce.challenge,
        "profile documents:write documents:read",
        "s1",
    )
    callback = login_and_consent(
        live_server.url,
        live_server.url + "/oauth/authorize?" + query,
        "dora",
        "dora-password-42",
    )
    code = parse_qs(urlsplit(callback).query)["code"][0]
    tokens = requests.post(
        live_server.url + "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": pkce.verifier,
        },
        auth=(app.client_id, app.secret),
        timeout=10,
    ).json()
    headers = {"Authorization": "Bearer " + tokens["access_token"]}

    with serve(env, workers=2) as api_url:
        me = requests.get(api_url + "/api/v1/me", headers=headers, timeout=10)
        assert me.status_code == 200, me.text
        assert me.json()["username"] == "dora"
        created = requests.post(
            api_url + "/api/v1/documents/",
            json={"title": "hello"},
            headers=headers,
            timeout=10,
        )
        assert created.status_code == 201, created.text

        revoked = requests.post(
            live_server.url + "/oauth/revoke",
            data={"token": tokens["access_token"]},
            auth=(app.client_id, app.secret),
            timeout=10,
        )
        assert revoked.status_code == 200
        time.sleep(1.2)  # the configured cache bound (1 s), then the API must refuse
        refused = requests.get(api_url + "/api/v1/me", headers=headers, timeout=10)
        assert refused.status_code == 401
        assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
