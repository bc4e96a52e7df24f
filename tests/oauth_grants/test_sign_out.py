"""Sign-out through the client (RP-Initiated Logout 1.0), prompt=login, max_age."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto import jwk, jwt

from oauth_grants.views.login import AUTH_TIME_SESSION_KEY
from tests.factories import (
    authorize_params,
    authorize_url,
    issue_user_token,
    make_client,
    make_user,
    redirect_query,
)

pytestmark = pytest.mark.django_db

BYE = "https://client.example.test/signed-out"


@pytest.fixture
def app(db):
    return make_client(post_logout_redirect_uris=[BYE])


def claims_of(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def signed_in(browser) -> bool:
    return browser.get("/account/apps/").status_code == 200


def test_discovery_names_the_end_session_endpoint(api):
    metadata = api.get("/.well-known/openid-configuration").json()
    assert metadata["end_session_endpoint"] == "http://testserver/oauth/logout"
    assert "login" in metadata["prompt_values_supported"]
    assert "auth_time" in metadata["claims_supported"]


def test_hint_of_the_signed_in_person_signs_out_and_returns_with_state(
    browser, api, app
):
    id_token = issue_user_token(browser, api, app, "openid profile")["id_token"]
    response = browser.get(
        "/oauth/logout",
        {"id_token_hint": id_token, "post_logout_redirect_uri": BYE, "state": "s-1"},
    )
    assert response.status_code == 302
    assert response["Location"] == BYE + "?state=s-1"
    assert not signed_in(browser)


def test_without_a_hint_the_person_confirms(browser, app):
    page = browser.get(
        "/oauth/logout", {"client_id": app.client_id, "post_logout_redirect_uri": BYE}
    )
    assert page.status_code == 200
    assert signed_in(browser)
    answer = browser.post(
        "/oauth/logout",
        {"request_id": page.context["pending_id"], "decision": "sign_out"},
    )
    assert answer.status_code == 302
    assert answer["Location"] == BYE
    assert not signed_in(browser)


def test_staying_signed_in_keeps_the_session(browser, app):
    page = browser.get("/oauth/logout")
    assert page.status_code == 200
    answer = browser.post(
        "/oauth/logout", {"request_id": page.context["pending_id"], "decision": "stay"}
    )
    assert answer.status_code == 200
    assert signed_in(browser)


def test_hint_of_another_person_asks_first(browser, api, app):
    other = make_user("olga", "olga-password-42")
    from django.test import Client as HttpClient

    theirs = HttpClient()
    theirs.force_login(other)
    id_token = issue_user_token(theirs, api, app, "openid")["id_token"]
    page = browser.get("/oauth/logout", {"id_token_hint": id_token})
    assert page.status_code == 200
    assert "pending_id" in page.context
    assert signed_in(browser)


def forged_id_token(audience: str) -> str:
    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    key = jwk.JWK.from_pem(pem.encode())
    token = jwt.JWT(
        header={"alg": "RS256", "kid": key.thumbprint()},
        claims={"iss": "http://testserver", "aud": audience, "sub": "1"},
    )
    token.make_signed_token(key)
    return token.serialize()


@pytest.mark.parametrize(
    "params",
    [
        {"post_logout_redirect_uri": BYE},
        {"post_logout_redirect_uri": "https://evil.example.test/"},
        {"post_logout_redirect_uri": BYE + "/x", "client_id": "CLIENT"},
        {"id_token_hint": "not-a-jwt", "post_logout_redirect_uri": BYE},
        {"id_token_hint": "e30.e30.", "post_logout_redirect_uri": BYE},
        {"id_token_hint": "a.b.c.d.e"},
        {"id_token_hint": "x" * 9000},
        {"state": "\x00"},
        {"id_token_hint": "FORGED", "post_logout_redirect_uri": BYE},
        {"client_id": "unknown-client"},
    ],
)
def test_untrusted_requests_get_an_error_page_and_keep_the_session(
    browser, app, params
):
    params = {
        key: (
            app.client_id
            if value == "CLIENT"
            else forged_id_token(app.client_id)
            if value == "FORGED"
            else value
        )
        for key, value in params.items()
    }
    response = browser.get("/oauth/logout", params)
    assert response.status_code == 400
    assert "Location" not in response
    assert signed_in(browser)


def test_hint_and_client_id_must_agree(browser, api, app):
    id_token = issue_user_token(browser, api, app, "openid")["id_token"]
    other = make_client(name="Other")
    response = browser.get(
        "/oauth/logout", {"id_token_hint": id_token, "client_id": other.client_id}
    )
    assert response.status_code == 400
    assert signed_in(browser)


def test_prompt_login_ends_the_session_and_asks_to_sign_in(browser, app, pkce):
    params = authorize_params(app, pkce, prompt="login consent")
    response = browser.get(authorize_url(params))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    next_url = parse_qs(location.query)["next"][0]
    assert "prompt=consent" in next_url and "login" not in next_url
    assert not signed_in(browser)


def set_auth_time(browser, seconds_ago: int) -> None:
    session = browser.session
    session[AUTH_TIME_SESSION_KEY] = int(time.time()) - seconds_ago
    session.save()


def test_max_age_exceeded_asks_to_sign_in_again(browser, app, pkce):
    set_auth_time(browser, 600)
    response = browser.get(authorize_url(authorize_params(app, pkce, max_age="300")))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not signed_in(browser)


def test_max_age_met_goes_on_to_consent(browser, app, pkce):
    set_auth_time(browser, 10)
    response = browser.get(authorize_url(authorize_params(app, pkce, max_age="300")))
    assert response.status_code == 200
    assert "pending_id" in response.context


def test_prompt_none_with_max_age_exceeded_is_login_required(browser, app, pkce):
    set_auth_time(browser, 600)
    params = authorize_params(app, pkce, max_age="300", prompt="none")
    assert redirect_query(browser.get(authorize_url(params)))["error"] == (
        "login_required"
    )


@pytest.mark.parametrize("max_age", ["-1", "abc", "²", "1" * 10])
def test_bad_max_age_is_invalid_request(browser, app, pkce, max_age):
    params = authorize_params(app, pkce, max_age=max_age)
    assert redirect_query(browser.get(authorize_url(params)))["error"] == (
        "invalid_request"
    )


def test_id_token_carries_the_sessions_auth_time(browser, api, app):
    set_auth_time(browser, 42)
    expected = int(time.time()) - 42
    id_token = issue_user_token(browser, api, app, "openid")["id_token"]
    assert abs(claims_of(id_token)["auth_time"] - expected) <= 1


def test_signing_in_records_the_auth_time(app, user):
    from django.test import Client as HttpClient

    http = HttpClient()
    before = int(time.time())
    http.post("/accounts/login/", {"username": "alice", "password": "correct horse 42"})
    assert http.session[AUTH_TIME_SESSION_KEY] >= before


@pytest.mark.parametrize("extra", [{"max_age": "0"}, {"prompt": "login"}])
def test_signing_in_meets_prompt_login_and_max_age_once(api, app, pkce, user, extra):
    params = authorize_params(app, pkce, **extra)
    response = api.get(authorize_url(params))
    next_url = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    assert "max_age" not in next_url and "prompt" not in next_url
    api.post("/accounts/login/", {"username": "alice", "password": "correct horse 42"})
    assert api.get(next_url).status_code == 200
