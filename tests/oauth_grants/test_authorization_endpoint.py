"""Stages 1 to 4: validation, consent, and the code (RFC 6749 §4.1.1-§4.1.2)."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from oauth_grants.authorization_context import PARKED_TTL_SECONDS
from oauth_grants.models import AuditEvent, AuthorizationCode, Client, Consent
from oauth_grants.tokens import token_digest
from tests.factories import (
    REDIRECT_URI,
    authorize_params,
    authorize_url,
    consent,
    make_client,
    redirect_query,
)

pytestmark = pytest.mark.django_db


def assert_error_page(response, error: str) -> None:
    assert response.status_code == 400
    assert "Location" not in response
    assert error.encode() in response.content


@pytest.mark.parametrize(
    "override",
    [
        {"client_id": "no-such-client"},
        {"client_id": None},
        {"redirect_uri": "https://evil.example.test/callback"},
        {"redirect_uri": REDIRECT_URI + "/"},
        {"redirect_uri": REDIRECT_URI.upper()},
        {"redirect_uri": "https://client.example.test:8443/callback"},
        {"redirect_uri": "https://user@client.example.test/callback"},
        {"redirect_uri": "https://client.example.test/x/../callback"},
        {"redirect_uri": "https://client.example.test/%63allback"},
        {"redirect_uri": REDIRECT_URI + "?extra=1"},
    ],
)
def test_untrusted_client_or_redirect_gets_an_error_page_not_a_redirect(
    browser, confidential, pkce, override
):
    params = authorize_params(confidential, pkce, **override)
    response = browser.get(authorize_url(params))
    assert response.status_code == 400
    assert "Location" not in response
    assert AuthorizationCode.objects.count() == 0


def test_error_page_is_shown_before_login(api, confidential, pkce):
    params = authorize_params(confidential, pkce, redirect_uri="https://evil.test/cb")
    response = api.get(authorize_url(params))
    assert response.status_code == 400
    assert "Location" not in response


def test_disabled_client_is_unknown(browser, confidential, pkce):
    confidential.client.enabled = False
    confidential.client.save()
    response = browser.get(authorize_url(authorize_params(confidential, pkce)))
    assert response.status_code == 400
    assert "Location" not in response


@pytest.mark.parametrize(
    "override, error",
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge": "too-short"}, "invalid_request"),
        ({"code_challenge": "a" * 129}, "invalid_request"),
        ({"code_challenge": "!" * 43}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"response_type": "id_token"}, "unsupported_response_type"),
        ({"scope": "admin:everything"}, "invalid_scope"),
        ({"scope": None}, "invalid_scope"),
        ({"state": "s" * 2000}, "invalid_request"),
    ],
)
def test_other_errors_redirect_with_error_state_and_iss(
    browser, confidential, pkce, override, error
):
    params = authorize_params(confidential, pkce, **override)
    response = browser.get(authorize_url(params))
    query = redirect_query(response)
    assert response["Location"].startswith(REDIRECT_URI + "?")
    assert query["error"] == error
    assert query["iss"] == "http://testserver"
    if "state" not in override:
        assert query["state"] == params["state"]
    assert AuthorizationCode.objects.count() == 0


def test_scope_not_allowed_to_this_client_is_invalid_scope(browser, pkce):
    narrow = make_client(scopes=["profile"], name="Narrow")
    params = authorize_params(narrow, pkce, scope="profile documents:write")
    assert redirect_query(browser.get(authorize_url(params)))["error"] == (
        "invalid_scope"
    )


def test_client_without_code_grant_is_unauthorized(browser, pkce):
    machine = make_client(grants=["client_credentials"], name="Machine")
    response = browser.get(authorize_url(authorize_params(machine, pkce)))
    query = redirect_query(response)
    assert query["error"] == "unauthorized_client"


def test_anonymous_visitor_is_sent_to_login_and_back(api, confidential, pkce):
    url = authorize_url(authorize_params(confidential, pkce))
    response = api.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_consent_page_names_client_and_each_scope(browser, confidential, pkce):
    params = authorize_params(confidential, pkce, scope="profile documents:read")
    page = browser.get(authorize_url(params))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Test App" in html
    assert "See your name, username and email address" in html
    assert "Read your documents" in html
    assert 'value="approve"' in html and 'value="deny"' in html
    assert "client.example.test" in html
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert (
        page["Cache-Control"].startswith("no-store")
        or "no-store" in (page["Cache-Control"])
    )
    # Nothing is issued just by showing the page.
    assert AuthorizationCode.objects.count() == 0


def test_consent_post_requires_csrf(user, confidential, pkce):
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(user)
    page = http.get(authorize_url(authorize_params(confidential, pkce)))
    response = http.post(
        "/oauth/authorize",
        {"request_id": page.context["pending_id"], "decision": "approve"},
    )
    assert response.status_code == 403
    assert AuthorizationCode.objects.count() == 0


def test_deny_redirects_with_access_denied(browser, user, confidential, pkce):
    params = authorize_params(confidential, pkce)
    query = redirect_query(consent(browser, params, decision="deny"))
    assert query["error"] == "access_denied"
    assert query["state"] == params["state"]
    assert query["iss"] == "http://testserver"
    assert AuthorizationCode.objects.count() == 0
    assert AuditEvent.objects.filter(event=AuditEvent.Type.CONSENT_DENIED).exists()


def test_approve_issues_a_code_bound_to_the_request(browser, user, confidential, pkce):
    params = authorize_params(confidential, pkce, scope="profile documents:read")
    query = redirect_query(consent(browser, params))
    assert query["state"] == params["state"]
    assert query["iss"] == "http://testserver"
    grant = AuthorizationCode.objects.get()
    # Stored only as a digest, bound to everything the request named.
    assert grant.code == token_digest(query["code"])
    assert query["code"] not in grant.code
    assert grant.application == confidential.client
    assert grant.user == user
    assert grant.redirect_uri == REDIRECT_URI
    assert grant.code_challenge == pkce.challenge
    assert grant.code_challenge_method == "S256"
    assert grant.scope == "profile documents:read"
    lifetime = grant.expires - timezone.now()
    assert timedelta(seconds=50) < lifetime <= timedelta(seconds=60)
    assert Consent.objects.get(user=user).scope == "documents:read profile"


def test_unticked_scope_is_not_in_the_code(browser, confidential, pkce):
    params = authorize_params(confidential, pkce, scope="profile documents:read")
    redirect_query(consent(browser, params, scopes=["profile"]))
    assert AuthorizationCode.objects.get().scope == "profile"


def test_ticking_a_scope_that_was_not_requested_grants_nothing_extra(
    browser, confidential, pkce
):
    params = authorize_params(confidential, pkce, scope="profile")
    redirect_query(consent(browser, params, scopes=["profile", "documents:write"]))
    assert AuthorizationCode.objects.get().scope == "profile"


def test_consent_answer_is_single_use(browser, confidential, pkce):
    params = authorize_params(confidential, pkce)
    page = browser.get(authorize_url(params))
    form = {"request_id": page.context["pending_id"], "decision": "approve"}
    form["scope"] = ["profile"]
    assert browser.post("/oauth/authorize", form).status_code == 302
    again = browser.post("/oauth/authorize", form)
    assert again.status_code == 400
    assert AuthorizationCode.objects.count() == 1


def test_another_user_cannot_answer_a_parked_request(
    browser, confidential, pkce, django_user_model
):
    params = authorize_params(confidential, pkce)
    page = browser.get(authorize_url(params))
    mallory = django_user_model.objects.create_user("mallory", password="x-pass-123")
    other = HttpClient()
    other.force_login(mallory)
    response = other.post(
        "/oauth/authorize",
        {"request_id": page.context["pending_id"], "decision": "approve"},
    )
    assert response.status_code == 400
    assert AuthorizationCode.objects.count() == 0


def test_client_disabled_between_page_and_answer_gets_nothing(
    browser, confidential, pkce
):
    params = authorize_params(confidential, pkce)
    page = browser.get(authorize_url(params))
    Client.objects.filter(pk=confidential.client.pk).update(enabled=False)
    response = browser.post(
        "/oauth/authorize",
        {"request_id": page.context["pending_id"], "decision": "approve"},
    )
    assert response.status_code == 400
    assert AuthorizationCode.objects.count() == 0


def test_duplicate_parameters_are_refused(browser, confidential, pkce):
    params = authorize_params(confidential, pkce)
    url = authorize_url(params) + "&client_id=" + confidential.client_id
    response = browser.get(url)
    assert response.status_code == 400
    assert "Location" not in response


def test_an_altered_parked_request_is_refused(browser, confidential, pkce):
    # The form carries the request signed: changing a character of it (here
    # in its signature), or making one up, gets nothing.
    page = browser.get(authorize_url(authorize_params(confidential, pkce)))
    signed = page.context["pending_id"]
    altered = signed[:-1] + ("A" if signed[-1] != "A" else "B")
    for request_id in (altered, "made-up", ""):
        response = browser.post(
            "/oauth/authorize", {"request_id": request_id, "decision": "approve"}
        )
        assert_error_page(response, "invalid_request")
    assert AuthorizationCode.objects.count() == 0


def test_a_consent_page_left_open_too_long_is_refused(browser, confidential, pkce):
    page = browser.get(authorize_url(authorize_params(confidential, pkce)))
    later = time.time() + PARKED_TTL_SECONDS + 1
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = browser.post(
            "/oauth/authorize",
            {"request_id": page.context["pending_id"], "decision": "approve"},
        )
    assert_error_page(response, "invalid_request")
    assert AuthorizationCode.objects.count() == 0


def test_showing_the_consent_page_writes_nothing(browser, confidential, pkce):
    # No session write, no row: the request travels signed in the form.
    before = browser.session.session_key, dict(browser.session.items())
    page = browser.get(authorize_url(authorize_params(confidential, pkce)))
    assert page.status_code == 200
    assert (browser.session.session_key, dict(browser.session.items())) == before
    assert "sessionid" not in page.cookies
