"""Authlib (Python, not ours) as an OpenID Connect relying party, live server.

ID token verified by Authlib against /oauth/jwks (signature, iss, aud, nonce,
at_hash), then UserInfo, introspection and revocation.
"""

from __future__ import annotations

import secrets

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken

from tests.factories import make_client, make_resource_server, make_user
from tests.live_http import login_and_consent

CALLBACK = "https://rp.example.test/callback"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]


def test_authlib_verifies_the_id_token_and_uses_every_endpoint(
    live_server, settings, monkeypatch
):
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    base = live_server.url
    settings.AUTHSERVER_ISSUER = base
    make_user("hal", "hal-password-42")
    app = make_client(name="Authlib RP", redirect_uris=[CALLBACK])
    rs = make_resource_server()
    metadata = requests.get(
        base + "/.well-known/openid-configuration", timeout=10
    ).json()
    assert metadata["issuer"] == base

    session = OAuth2Session(
        app.client_id,
        app.secret,
        scope="openid profile email",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
    )
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, _state = session.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    callback = login_and_consent(base, url, "hal", "hal-password-42")
    token = session.fetch_token(
        metadata["token_endpoint"],
        authorization_response=callback,
        code_verifier=verifier,
    )

    keys = JsonWebKey.import_key_set(
        requests.get(metadata["jwks_uri"], timeout=10).json()
    )
    claims = jwt.decode(
        token["id_token"],
        keys,
        claims_cls=CodeIDToken,
        claims_options={"iss": {"essential": True, "value": base}},
        claims_params={
            "nonce": nonce,
            "client_id": app.client_id,
            "access_token": token["access_token"],
        },
    )
    claims.validate()
    assert claims["preferred_username"] == "hal"

    userinfo = session.get(metadata["userinfo_endpoint"]).json()
    assert userinfo["sub"] == claims["sub"]

    introspect = lambda value: requests.post(  # noqa: E731
        metadata["introspection_endpoint"],
        data={"token": value},
        auth=(rs.client_id, rs.secret),
        timeout=10,
    ).json()
    assert introspect(token["access_token"])["active"] is True
    revoked = session.revoke_token(
        metadata["revocation_endpoint"],
        token["refresh_token"],
        token_type_hint="refresh_token",
    )
    assert revoked.status_code == 200
    assert introspect(token["access_token"]) == {"active": False}
