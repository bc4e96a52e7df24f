"""Native apps (RFC 8252): loopback redirects on any port, private-use schemes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from oauth_grants.models import AccessToken, AuthorizationCode, Client
from tests.factories import (
    authorize_params,
    authorize_url,
    consent,
    make_client,
    redirect_query,
)

pytestmark = pytest.mark.django_db

LOOPBACK = "http://127.0.0.1/oauth/callback"
LOOPBACK_V6 = "http://[::1]/oauth/callback?app=desk"
PRIVATE_USE = "com.example.notes:/oauth2redirect"


@pytest.fixture
def native(db):
    return make_client(
        client_type=Client.CLIENT_PUBLIC,
        name="Notes desktop",
        redirect_uris=[LOOPBACK, LOOPBACK_V6, PRIVATE_USE],
    )


@pytest.mark.parametrize(
    "presented",
    [
        "http://127.0.0.1:51234/oauth/callback",
        "http://127.0.0.1:1/oauth/callback",
        "http://127.0.0.1/oauth/callback",
        "http://[::1]:60000/oauth/callback?app=desk",
        PRIVATE_USE,
    ],
)
def test_registered_native_redirect_is_accepted_on_any_loopback_port(
    browser, native, pkce, presented
):
    params = authorize_params(native, pkce, redirect_uri=presented)
    response = consent(browser, params)
    assert response["Location"].startswith(presented)
    query = redirect_query(response)
    assert query["state"] == params["state"]
    grant = AuthorizationCode.objects.get()
    assert grant.redirect_uri == presented


@pytest.mark.parametrize(
    "presented",
    [
        "http://127.0.0.1:51234/oauth/callback/",
        "http://127.0.0.1:51234/oauth/callbacK",
        "http://127.0.0.1:51234/oauth/callback?x=1",
        "http://127.0.0.1:51234/oauth/callback#f",
        "http://127.0.0.1:0/oauth/callback",
        "http://127.0.0.1:99999/oauth/callback",
        "http://127.0.0.1:51234@evil.test/oauth/callback",
        "http://localhost:51234/oauth/callback",
        "http://127.0.0.2:51234/oauth/callback",
        "https://127.0.0.1:51234/oauth/callback",
        "http://[::1]:60000/oauth/callback",
        "http://[::1]:60000/oauth/callback?app=desk&x=1",
        "com.example.notes:/oauth2redirect/x",
        "com.example.notes://oauth2redirect",
    ],
)
def test_anything_else_gets_an_error_page_not_a_redirect(
    browser, native, pkce, presented
):
    params = authorize_params(native, pkce, redirect_uri=presented)
    response = browser.get(authorize_url(params))
    assert response.status_code == 400
    assert not AuthorizationCode.objects.exists()


def test_code_is_redeemed_with_the_port_it_was_issued_for(browser, api, native, pkce):
    used = "http://127.0.0.1:50123/oauth/callback"
    params = authorize_params(native, pkce, redirect_uri=used)
    code = redirect_query(consent(browser, params))["code"]
    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "code_verifier": pkce.verifier,
        "client_id": native.client_id,
    }
    other_port = api.post(
        "/oauth/token",
        {**exchange, "redirect_uri": "http://127.0.0.1:50124/oauth/callback"},
    )
    assert other_port.status_code == 400
    assert "access_token" not in other_port.json()
    assert not AccessToken.objects.exists()


def test_code_exchange_on_the_issued_port_succeeds(browser, api, native, pkce):
    used = "http://[::1]:50123/oauth/callback?app=desk"
    params = authorize_params(native, pkce, redirect_uri=used)
    code = redirect_query(consent(browser, params))["code"]
    response = api.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": pkce.verifier,
            "client_id": native.client_id,
            "redirect_uri": used,
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["access_token"]


@pytest.mark.parametrize(
    "uri, client_type, message",
    [
        ("http://localhost:8000/cb", "public", "RFC 8252 §8.3"),
        ("com.example.app:/cb", "confidential", "private-use URI scheme"),
        ("com.example.app://host/cb", "public", "one slash"),
        ("myapp:/cb", "public", "https"),
        ("javascript:/alert(1)", "public", "https"),
        ("data:/text", "public", "https"),
    ],
)
def test_registration_says_which_kind_a_uri_is_and_refuses(uri, client_type, message):
    with pytest.raises(ValidationError) as excinfo:
        make_client(client_type=client_type, redirect_uris=[uri])
    assert message in " ".join(excinfo.value.messages)
    assert not Client.objects.exists()


def test_private_use_scheme_may_be_registered_by_a_public_client():
    native = make_client(
        client_type=Client.CLIENT_PUBLIC, redirect_uris=["com.example.app:/cb"]
    )
    assert native.client.redirect_uri_list == ["com.example.app:/cb"]
