"""Consent that respects the person (issue 5) and RFC 8414 metadata."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from oauth_grants.models import AccessToken, AuthorizationCode, ClientScope, Consent
from tests.factories import (
    Pkce,
    authorize_params,
    authorize_url,
    consent,
    issue_user_token,
    redirect_query,
)

pytestmark = pytest.mark.django_db


def first_approval(browser, confidential, scope="profile"):
    params = authorize_params(confidential, Pkce.new(), scope=scope)
    redirect_query(consent(browser, params))


def test_remembered_consent_is_not_asked_again(browser, confidential):
    first_approval(browser, confidential, "profile documents:read")
    params = authorize_params(confidential, Pkce.new(), scope="documents:read")
    response = browser.get(authorize_url(params))
    query = redirect_query(response)  # straight back to the client
    assert query["code"] and query["state"] == params["state"]
    assert AuthorizationCode.objects.count() == 2
    assert Consent.objects.get().last_used_at is not None


def test_new_scopes_are_asked_and_marked(browser, confidential):
    first_approval(browser, confidential, "profile")
    params = authorize_params(confidential, Pkce.new(), scope="profile documents:read")
    page = browser.get(authorize_url(params))
    assert page.status_code == 200
    marked = {s["name"]: s["new"] for s in page.context["scopes"]}
    assert marked == {"profile": False, "documents:read": True}
    assert 'class="badge"' in page.content.decode()


def test_expired_consent_is_asked_again(browser, confidential, settings):
    first_approval(browser, confidential)
    Consent.objects.update(granted_at=timezone.now() - timedelta(days=91))
    params = authorize_params(confidential, Pkce.new())
    assert browser.get(authorize_url(params)).status_code == 200


def test_revoked_consent_is_asked_again(browser, api, confidential):
    issue_user_token(browser, api, confidential, "profile")
    Consent.objects.all().delete()
    params = authorize_params(confidential, Pkce.new())
    assert browser.get(authorize_url(params)).status_code == 200


def test_prompt_consent_forces_the_page(browser, confidential):
    first_approval(browser, confidential)
    params = authorize_params(confidential, Pkce.new(), prompt="consent")
    assert browser.get(authorize_url(params)).status_code == 200


@pytest.mark.parametrize(
    "param", [{"approval_prompt": "auto"}, {"skip_authorization": "true"}]
)
def test_nothing_in_the_request_skips_consent(browser, confidential, param):
    params = authorize_params(confidential, Pkce.new(), **param)
    assert browser.get(authorize_url(params)).status_code == 200
    assert AuthorizationCode.objects.count() == 0


def test_prompt_none_without_a_session_is_login_required(confidential):
    params = authorize_params(confidential, Pkce.new(), prompt="none")
    query = redirect_query(HttpClient().get(authorize_url(params)))
    assert query["error"] == "login_required"
    assert query["state"] == params["state"]
    assert query["iss"] == "http://testserver"


def test_prompt_none_without_consent_is_consent_required(browser, confidential):
    params = authorize_params(confidential, Pkce.new(), prompt="none")
    query = redirect_query(browser.get(authorize_url(params)))
    assert query["error"] == "consent_required"
    assert query["iss"] == "http://testserver"
    assert AuthorizationCode.objects.count() == 0


def test_prompt_none_with_consent_issues_a_code(browser, confidential):
    first_approval(browser, confidential)
    params = authorize_params(confidential, Pkce.new(), prompt="none")
    assert "code" in redirect_query(browser.get(authorize_url(params)))


def test_unticked_scope_is_absent_from_code_and_tokens(browser, api, confidential):
    pkce = Pkce.new()
    params = authorize_params(confidential, pkce, scope="profile documents:read")
    query = redirect_query(consent(browser, params, scopes=["documents:read"]))
    response = api.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": query["code"],
            "redirect_uri": params["redirect_uri"],
            "code_verifier": pkce.verifier,
        },
        HTTP_AUTHORIZATION=confidential.basic_auth(),
    )
    assert response.json()["scope"] == "documents:read"
    assert AccessToken.objects.get().scope == "documents:read"
    bearer = {"HTTP_AUTHORIZATION": "Bearer " + response.json()["access_token"]}
    assert api.get("/api/v1/me", **bearer).status_code == 403
    assert Consent.objects.get().scope == "documents:read"


def test_required_scope_is_shown_but_cannot_be_unticked(browser, confidential):
    ClientScope.objects.filter(
        client=confidential.client, scope__name="profile"
    ).update(required=True)
    params = authorize_params(confidential, Pkce.new(), scope="profile documents:read")
    page = browser.get(authorize_url(params))
    assert "disabled" in page.content.decode()
    query = redirect_query(
        browser.post(
            "/oauth/authorize",
            {
                "request_id": page.context["pending_id"],
                "decision": "approve",
                "scope": [],
            },
        )
    )
    assert AuthorizationCode.objects.get().scope == "profile"
    assert query["code"]


def test_authorization_server_metadata(api, scopes):
    metadata = api.get("/.well-known/oauth-authorization-server").json()
    issuer = "http://testserver"
    assert metadata["issuer"] == issuer
    assert metadata["authorization_endpoint"] == issuer + "/oauth/authorize"
    assert metadata["token_endpoint"] == issuer + "/oauth/token"
    assert metadata["introspection_endpoint"] == issuer + "/oauth/introspect"
    assert metadata["revocation_endpoint"] == issuer + "/oauth/revoke"
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert set(metadata["grant_types_supported"]) == {
        "authorization_code",
        "refresh_token",
        "client_credentials",
    }
    assert "client_secret_basic" in metadata["token_endpoint_auth_methods_supported"]
    assert metadata["introspection_endpoint_auth_methods_supported"]
    assert metadata["revocation_endpoint_auth_methods_supported"]
    assert "documents:read" in metadata["scopes_supported"]
    assert metadata["authorization_response_iss_parameter_supported"] is True
