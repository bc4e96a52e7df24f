"""The apps included under a prefix: the discovery documents name URLs that
answer, and a whole code flow runs through them."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.factories import REDIRECT_URI, authorize_params, redirect_query

pytestmark = [pytest.mark.urls("tests.oauth_grants.urls_prefixed")]

ENDPOINTS = {
    "authorization_endpoint": "/sso/oauth/authorize",
    "token_endpoint": "/sso/oauth/token",
    "introspection_endpoint": "/sso/oauth/introspect",
    "revocation_endpoint": "/sso/oauth/revoke",
    "userinfo_endpoint": "/sso/oauth/userinfo",
    "jwks_uri": "/sso/oauth/jwks",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "document",
    [
        "/sso/.well-known/oauth-authorization-server",
        "/sso/.well-known/openid-configuration",
    ],
)
def test_discovery_names_the_prefixed_endpoints(api, document):
    response = api.get(document)
    assert response.status_code == 200
    metadata = response.json()
    assert metadata["issuer"] == "http://testserver"
    for field, path in ENDPOINTS.items():
        assert metadata[field] == "http://testserver" + path, field


@pytest.mark.django_db
def test_every_advertised_endpoint_answers_under_the_prefix(api):
    metadata = api.get("/sso/.well-known/openid-configuration").json()
    for field in ENDPOINTS:
        path = urlsplit(metadata[field]).path
        assert api.get(path).status_code != 404, field
    assert api.get(urlsplit(metadata["jwks_uri"]).path).json()["keys"]


def test_code_flow_through_the_prefixed_urls(browser, api, confidential, pkce):
    metadata = api.get("/sso/.well-known/oauth-authorization-server").json()
    authorize = urlsplit(metadata["authorization_endpoint"]).path
    token = urlsplit(metadata["token_endpoint"]).path

    params = authorize_params(confidential, pkce, scope="profile")
    page = browser.get(authorize, params)
    assert page.status_code == 200
    assert ('action="%s"' % authorize) in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    answer = browser.post(
        authorize,
        {
            "request_id": page.context["pending_id"],
            "decision": "approve",
            "scope": ["profile"],
        },
    )
    code = redirect_query(answer)["code"]

    response = api.post(
        token,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": pkce.verifier,
        },
        HTTP_AUTHORIZATION=confidential.basic_auth(),
    )
    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "Bearer"
    assert response["Cache-Control"] == "no-store"
