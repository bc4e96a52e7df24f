"""Audiences (RFC 8707 resource indicators, RFC 9728 protected resource metadata)."""

from __future__ import annotations

import pytest

from oauth_grants.models import AccessToken, RefreshToken
from resource_api.introspection import TokenInfo
from tests.factories import (
    REDIRECT_URI,
    authorize_params,
    authorize_url,
    consent,
    make_client,
    redirect_query,
)

pytestmark = pytest.mark.django_db

THIS_API = "http://testserver/api/v1/"
OTHER_API = "https://billing.example.test/api/"
NOT_ALLOWED = "https://hr.example.test/api/"


@pytest.fixture
def app(db):
    return make_client(
        grants=["authorization_code", "client_credentials"],
        allowed_resources=[THIS_API, OTHER_API],
    )


def exchange(api, app, code: str, verifier: str, **extra):
    return api.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
            **extra,
        },
        HTTP_AUTHORIZATION=app.basic_auth(),
    )


def code_for(browser, app, pkce, **extra) -> str:
    params = authorize_params(app, pkce, scope="profile documents:read", **extra)
    return redirect_query(consent(browser, params))["code"]


def introspect(api, resource_server, value: str) -> dict:
    return api.post(
        "/oauth/introspect",
        {"token": value},
        HTTP_AUTHORIZATION=resource_server.basic_auth(),
    ).json()


def test_resource_on_the_authorization_request_becomes_the_audience(
    browser, api, app, pkce, resource_server
):
    code = code_for(browser, app, pkce, resource=OTHER_API)
    tokens = exchange(api, app, code, pkce.verifier).json()
    assert AccessToken.objects.get().resource == [OTHER_API]
    assert RefreshToken.objects.get().resource == [OTHER_API]
    assert introspect(api, resource_server, tokens["access_token"])["aud"] == OTHER_API


@pytest.mark.parametrize(
    "resource", [NOT_ALLOWED, OTHER_API + "#frag", "relative/api", OTHER_API + "?x=1"]
)
def test_a_resource_the_client_may_not_ask_for_is_invalid_target(
    browser, app, pkce, resource
):
    params = authorize_params(app, pkce, resource=resource)
    query = redirect_query(browser.get(authorize_url(params)))
    assert query["error"] == "invalid_target"
    assert query["state"] == params["state"]


def test_token_request_may_name_the_api_when_the_code_named_none(
    browser, api, app, pkce
):
    code = code_for(browser, app, pkce)
    response = exchange(api, app, code, pkce.verifier, resource=THIS_API)
    assert response.status_code == 200, response.content
    assert AccessToken.objects.get().resource == [THIS_API]


def test_a_code_for_one_api_cannot_be_spent_on_another(browser, api, app, pkce):
    code = code_for(browser, app, pkce, resource=OTHER_API)
    response = exchange(api, app, code, pkce.verifier, resource=THIS_API)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_target"
    assert not AccessToken.objects.exists()


def test_refresh_keeps_the_audience_and_cannot_change_it(browser, api, app, pkce):
    code = code_for(browser, app, pkce, resource=OTHER_API)
    refresh = exchange(api, app, code, pkce.verifier).json()["refresh_token"]
    elsewhere = api.post(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": refresh, "resource": THIS_API},
        HTTP_AUTHORIZATION=app.basic_auth(),
    )
    assert elsewhere.status_code == 400
    assert elsewhere.json()["error"] == "invalid_target"
    same = api.post(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": refresh},
        HTTP_AUTHORIZATION=app.basic_auth(),
    )
    assert same.status_code == 200, same.content
    assert AccessToken.objects.latest("pk").resource == [OTHER_API]


def test_client_credentials_with_resource(api, app):
    def ask(resource: str):
        return api.post(
            "/oauth/token",
            {
                "grant_type": "client_credentials",
                "scope": "documents:read",
                "resource": resource,
            },
            HTTP_AUTHORIZATION=app.basic_auth(),
        )

    assert ask(NOT_ALLOWED).json()["error"] == "invalid_target"
    assert not AccessToken.objects.exists()
    assert ask(THIS_API).status_code == 200
    assert AccessToken.objects.get().resource == [THIS_API]


def api_token(browser, api, app, pkce, resource: str | None) -> str:
    extra = {"resource": resource} if resource else {}
    code = code_for(browser, app, pkce, **extra)
    return exchange(api, app, code, pkce.verifier).json()["access_token"]


def test_the_api_refuses_a_token_for_another_api(browser, api, app, pkce):
    value = api_token(browser, api, app, pkce, OTHER_API)
    response = api.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + value)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    challenge = response["WWW-Authenticate"]
    assert 'error="invalid_token"' in challenge
    assert (
        'resource_metadata="http://testserver/.well-known/oauth-protected-resource'
        '/api/v1/"' in challenge
    )


def test_the_api_takes_a_token_for_itself(browser, api, app, pkce):
    value = api_token(browser, api, app, pkce, THIS_API)
    response = api.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + value)
    assert response.status_code == 200


def test_a_token_without_audience_is_taken_unless_one_is_required(
    browser, api, app, pkce, settings
):
    value = api_token(browser, api, app, pkce, None)
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + value).status_code == (
        200
    )
    settings.RESOURCE_API = {**settings.RESOURCE_API, "REQUIRE_AUDIENCE": True}
    refused = api.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + value)
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_token"


def test_the_identifier_setting_decides(browser, api, app, pkce, settings):
    value = api_token(browser, api, app, pkce, OTHER_API)
    settings.RESOURCE_API = {**settings.RESOURCE_API, "IDENTIFIER": OTHER_API}
    response = api.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + value)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "aud, audience",
    [("https://a.test/", ("https://a.test/",)), (["x", "y"], ("x", "y")), (7, ())],
)
def test_remote_introspection_reads_aud(aud, audience):
    info = TokenInfo.from_claims({"active": True, "aud": aud, "scope": "profile"})
    assert info.audience == audience


@pytest.mark.parametrize(
    "path",
    [
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/api/v1/",
    ],
)
def test_protected_resource_metadata(api, scopes, path):
    response = api.get(path, HTTP_ORIGIN="https://anyone.example.test")
    assert response.status_code == 200
    document = response.json()
    assert document["resource"] == THIS_API
    assert document["authorization_servers"] == ["http://testserver"]
    assert document["bearer_methods_supported"] == ["header"]
    assert {"profile", "documents:read", "documents:write"} <= set(
        document["scopes_supported"]
    )
    assert response["Access-Control-Allow-Origin"] == "*"
