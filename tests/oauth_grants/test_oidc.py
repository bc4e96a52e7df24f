"""OpenID Connect: ID token, JWKS with the next key, UserInfo, discovery (issue 5)."""

from __future__ import annotations

import json
import time

import pytest
from jwcrypto import jwk, jwt

from oauth_grants.models import IDToken
from tests.factories import (
    REDIRECT_URI,
    Pkce,
    authorize_params,
    consent,
    redirect_query,
)

pytestmark = pytest.mark.django_db
ISSUER = "http://testserver"


def code_flow(browser, api, registered, scope="openid profile email", nonce="n-0S6"):
    pkce = Pkce.new()
    params = authorize_params(registered, pkce, scope=scope, nonce=nonce)
    query = redirect_query(consent(browser, params))
    assert query["iss"] == ISSUER
    response = api.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": query["code"],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": pkce.verifier,
        },
        HTTP_AUTHORIZATION=registered.basic_auth(),
    )
    assert response.status_code == 200, response.content
    return response.json()


def verify(api, id_token: str) -> dict:
    keyset = jwk.JWKSet.from_json(api.get("/oauth/jwks").content)
    token = jwt.JWT(jwt=id_token, key=keyset, algs=["RS256"])
    return json.loads(token.claims)


def test_openid_scope_yields_a_signed_id_token(browser, api, confidential, user):
    tokens = code_flow(browser, api, confidential)
    claims = verify(api, tokens["id_token"])
    assert claims["iss"] == ISSUER
    assert claims["aud"] == confidential.client_id
    assert claims["sub"] == str(user.pk)
    assert claims["nonce"] == "n-0S6"
    assert claims["iat"] <= time.time() < claims["exp"]
    assert claims["email"] == "alice@example.test"
    assert claims["preferred_username"] == "alice"
    assert "at_hash" in claims
    header = json.loads(jwt.JWT(jwt=tokens["id_token"]).token.objects["protected"])
    assert header["alg"] == "RS256" and header["kid"]
    assert IDToken.objects.count() == 1


def test_without_openid_there_is_no_id_token(browser, api, confidential):
    tokens = code_flow(browser, api, confidential, scope="profile")
    assert "id_token" not in tokens


def test_userinfo_reveals_what_the_scopes_allow(browser, api, confidential, user):
    tokens = code_flow(browser, api, confidential, scope="openid email")
    bearer = {"HTTP_AUTHORIZATION": "Bearer " + tokens["access_token"]}
    claims = api.get("/oauth/userinfo", **bearer).json()
    assert claims == {
        "sub": str(user.pk),
        "email": "alice@example.test",
        "email_verified": False,
    }
    assert api.post("/oauth/userinfo", **bearer).status_code == 200


def test_userinfo_needs_a_live_openid_token(browser, api, confidential):
    assert api.get("/oauth/userinfo").status_code == 401
    bad = api.get("/oauth/userinfo", HTTP_AUTHORIZATION="Bearer nope")
    assert bad.status_code == 401
    assert 'error="invalid_token"' in bad["WWW-Authenticate"]
    tokens = code_flow(browser, api, confidential, scope="profile")
    no_openid = api.get(
        "/oauth/userinfo", HTTP_AUTHORIZATION="Bearer " + tokens["access_token"]
    )
    assert no_openid.status_code == 403


def test_refresh_with_openid_keeps_working(browser, api, confidential):
    tokens = code_flow(browser, api, confidential)
    refreshed = api.post(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=confidential.basic_auth(),
    )
    assert refreshed.status_code == 200, refreshed.content
    if "id_token" in refreshed.json():
        verify(api, refreshed.json()["id_token"])


def test_jwks_publishes_the_current_and_the_next_key(api, settings):
    keys = api.get("/oauth/jwks").json()["keys"]
    assert len(keys) == 2
    assert all(k["kty"] == "RSA" and k["use"] == "sig" and k["kid"] for k in keys)
    assert all("d" not in k and "p" not in k for k in keys)  # public parts only


def test_key_rotation_old_tokens_verify_while_the_old_key_is_published(
    browser, api, confidential, settings
):
    tokens = code_flow(browser, api, confidential)
    old, new = (
        settings.AUTHSERVER["OIDC_PRIVATE_KEY"],
        settings.AUTHSERVER["OIDC_PUBLISHED_KEYS"],
    )
    settings.AUTHSERVER = {
        **settings.AUTHSERVER,
        "OIDC_PRIVATE_KEY": new,
        "OIDC_PUBLISHED_KEYS": old,
    }
    # The token signed before the rotation still verifies against the JWKS.
    assert verify(api, tokens["id_token"])["aud"] == confidential.client_id
    # New tokens are signed with the new key.
    fresh = code_flow(browser, api, confidential, nonce="n2")
    header = json.loads(jwt.JWT(jwt=fresh["id_token"]).token.objects["protected"])
    new_kid = jwk.JWK.from_pem(new.encode()).thumbprint()
    assert header["kid"] == new_kid
    # Once the old key is withdrawn, the old token no longer verifies.
    settings.AUTHSERVER = {**settings.AUTHSERVER, "OIDC_PUBLISHED_KEYS": ""}
    with pytest.raises(Exception):  # noqa: B017 - jwcrypto raises several kinds
        verify(api, tokens["id_token"])


def test_openid_is_refused_when_no_key_is_configured(browser, confidential, settings):
    settings.AUTHSERVER = {**settings.AUTHSERVER, "OIDC_PRIVATE_KEY": ""}
    params = authorize_params(confidential, Pkce.new(), scope="openid profile")
    query = redirect_query(
        browser.get(
            "/oauth/authorize?" + "&".join("%s=%s" % (k, v) for k, v in params.items())
        )
    )
    assert query["error"] == "invalid_scope"


def test_openid_configuration(api):
    metadata = api.get("/.well-known/openid-configuration").json()
    assert metadata["issuer"] == ISSUER
    assert metadata["jwks_uri"] == ISSUER + "/oauth/jwks"
    assert metadata["userinfo_endpoint"] == ISSUER + "/oauth/userinfo"
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["subject_types_supported"] == ["public"]
