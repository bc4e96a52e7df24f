"""The whole flow, driven by Authlib's OAuth2Session against a live server.

Authlib is an independent client: if our server bends the protocol, it
notices. Login and consent go through the real HTML forms over HTTP.
"""

from __future__ import annotations

import secrets

import pytest
from authlib.integrations.requests_client import OAuth2Session

from oauth_grants.models import AccessToken, RefreshToken
from tests.factories import REDIRECT_URI, make_client, make_user
from tests.live_http import login_and_consent


@pytest.fixture
def insecure_transport_ok(monkeypatch):
    # The live server speaks plain HTTP on loopback.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.mark.django_db(transaction=True)
def test_authlib_runs_the_authorization_code_flow(live_server, insecure_transport_ok):
    make_user("carol", "carol-password-42")
    registered = make_client(name="Authlib App")
    base = live_server.url
    session = OAuth2Session(
        client_id=registered.client_id,
        client_secret=registered.secret,
        scope="profile documents:read",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    verifier = secrets.token_urlsafe(48)
    url, state = session.create_authorization_url(
        base + "/oauth/authorize", code_verifier=verifier
    )
    callback = login_and_consent(base, url, "carol", "carol-password-42")
    assert callback.startswith(REDIRECT_URI + "?")
    assert "iss=" in callback

    token = session.fetch_token(
        base + "/oauth/token", authorization_response=callback, code_verifier=verifier
    )
    assert token["token_type"] == "Bearer"
    assert token["scope"] == "profile documents:read"
    assert AccessToken.objects.filter(revoked__isnull=True).count() == 1

    refreshed = session.refresh_token(base + "/oauth/token")
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert RefreshToken.objects.filter(revoked__isnull=True).count() == 1
    assert AccessToken.objects.filter(revoked__isnull=True).count() == 1
