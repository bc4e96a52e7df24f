from __future__ import annotations

from tests.factories import REDIRECT_URI, obtain_code


def test_code_exchange_and_refresh(browser, api, confidential, pkce):
    code = obtain_code(browser, confidential, pkce, scope="profile documents:read")
    response = api.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": pkce.verifier,
        },
        HTTP_AUTHORIZATION=confidential.basic_auth(),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "profile documents:read"
    assert response["Cache-Control"] == "no-store"
    refreshed = api.post(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        HTTP_AUTHORIZATION=confidential.basic_auth(),
    )
    assert refreshed.status_code == 200, refreshed.content
    assert refreshed.json()["refresh_token"] != body["refresh_token"]
