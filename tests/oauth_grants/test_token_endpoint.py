"""Stages 5 and 6: the token endpoint (RFC 6749 §3.2, §4.1.3, §4.4, §5, §6)."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.utils import timezone

from oauth_grants.models import AccessToken, AuditEvent, AuthorizationCode, RefreshToken
from oauth_grants.tokens import token_digest
from tests.factories import REDIRECT_URI, Pkce, make_client, obtain_code

pytestmark = pytest.mark.django_db


def exchange(api, registered, code, pkce, auth="basic", **extra):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": pkce.verifier,
    }
    headers = {}
    if auth == "basic":
        headers["HTTP_AUTHORIZATION"] = registered.basic_auth()
    elif auth == "post":
        data.update(client_id=registered.client_id, client_secret=registered.secret)
    elif auth == "public":
        data["client_id"] = registered.client_id
    data.update(extra)
    return api.post(
        "/oauth/token", {k: v for k, v in data.items() if v is not None}, **headers
    )


def refresh(api, registered, refresh_token, **extra):
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, **extra}
    if registered.secret:
        return api.post(
            "/oauth/token", data, HTTP_AUTHORIZATION=registered.basic_auth()
        )
    return api.post("/oauth/token", {**data, "client_id": registered.client_id})


def assert_oauth_error(response, status, error):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert response.json()["error"] == error


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_confidential_client_exchanges_code(browser, api, confidential, pkce, auth):
    code = obtain_code(browser, confidential, pkce, scope="profile documents:read")
    response = exchange(api, confidential, code, pkce, auth=auth)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "profile documents:read"
    assert body["refresh_token"]
    assert response["Cache-Control"] == "no-store"
    access = AccessToken.objects.get()
    assert access.token == "" and access.token_checksum == token_digest(
        body["access_token"]
    )
    assert access.scope == "profile documents:read"
    assert RefreshToken.objects.get().token_checksum == token_digest(
        body["refresh_token"]
    )
    assert AuthorizationCode.objects.get().redeemed_at is not None


def test_basic_and_body_credentials_together_are_refused(
    browser, api, confidential, pkce
):
    code = obtain_code(browser, confidential, pkce)
    response = exchange(
        api,
        confidential,
        code,
        pkce,
        client_secret=confidential.secret,
        client_id=confidential.client_id,
    )
    assert_oauth_error(response, 401, "invalid_client")
    assert AccessToken.objects.count() == 0


def test_public_client_uses_client_id_and_verifier(browser, api, public, pkce):
    code = obtain_code(browser, public, pkce)
    response = exchange(api, public, code, pkce, auth="public")
    assert response.status_code == 200, response.content
    assert response.json()["refresh_token"]


def test_public_client_without_verifier_is_refused(browser, api, public, pkce):
    code = obtain_code(browser, public, pkce)
    response = exchange(api, public, code, pkce, auth="public", code_verifier=None)
    assert_oauth_error(response, 400, "invalid_request")
    assert AccessToken.objects.count() == 0


def test_wrong_verifier_is_invalid_grant(browser, api, confidential, pkce):
    code = obtain_code(browser, confidential, pkce)
    other = Pkce.new()
    response = exchange(api, confidential, code, other)
    assert_oauth_error(response, 400, "invalid_grant")
    assert AccessToken.objects.count() == 0


@pytest.mark.parametrize(
    "secret_override, status, error",
    [
        ("wrong-secret", 401, "invalid_client"),
        ("", 401, "invalid_client"),
    ],
)
def test_bad_client_secret_is_invalid_client(
    browser, api, confidential, pkce, secret_override, status, error
):
    code = obtain_code(browser, confidential, pkce)
    raw = "%s:%s" % (confidential.client_id, secret_override)
    header = "Basic " + base64.b64encode(raw.encode()).decode()
    response = api.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": pkce.verifier,
        },
        HTTP_AUTHORIZATION=header,
    )
    assert_oauth_error(response, status, error)
    assert response["WWW-Authenticate"].startswith("Basic")
    assert AccessToken.objects.count() == 0
    assert AuditEvent.objects.filter(event=AuditEvent.Type.CLIENT_AUTH_FAILED).exists()


def test_code_of_another_client_is_invalid_grant(browser, api, confidential, pkce):
    code = obtain_code(browser, confidential, pkce)
    thief = make_client(name="Thief")
    response = exchange(api, thief, code, pkce)
    assert_oauth_error(response, 400, "invalid_grant")
    assert AccessToken.objects.count() == 0


def test_redirect_uri_must_match_the_authorization_request(
    browser, api, confidential, pkce
):
    code = obtain_code(browser, confidential, pkce)
    response = exchange(
        api, confidential, code, pkce, redirect_uri="https://client.example.test/other"
    )
    assert response.status_code in (400, 401)
    assert response.json()["error"] in {"invalid_request", "invalid_grant"}
    assert AccessToken.objects.count() == 0


def test_expired_code_is_invalid_grant(browser, api, confidential, pkce):
    code = obtain_code(browser, confidential, pkce)
    AuthorizationCode.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert_oauth_error(exchange(api, confidential, code, pkce), 400, "invalid_grant")
    assert AccessToken.objects.count() == 0


def test_replayed_code_is_refused_and_revokes_its_tokens(
    browser, api, confidential, pkce
):
    code = obtain_code(browser, confidential, pkce)
    first = exchange(api, confidential, code, pkce)
    assert first.status_code == 200
    second = exchange(api, confidential, code, pkce)
    assert_oauth_error(second, 400, "invalid_grant")
    assert AccessToken.objects.count() == 1
    assert AccessToken.objects.filter(revoked__isnull=True).count() == 0
    assert RefreshToken.objects.filter(revoked__isnull=True).count() == 0
    assert AuditEvent.objects.filter(event=AuditEvent.Type.CODE_REPLAY).count() == 1


def test_client_may_only_use_its_grants(browser, api, pkce):
    no_code = make_client(grants=["client_credentials"], name="Machine only")
    response = api.post(
        "/oauth/token",
        {"grant_type": "authorization_code", "code": "x", "code_verifier": "y" * 43},
        HTTP_AUTHORIZATION=no_code.basic_auth(),
    )
    assert_oauth_error(response, 400, "unauthorized_client")


def test_access_token_lifetime_comes_from_client_policy(browser, api, pkce):
    short = make_client(name="Short", access_token_lifetime=120)
    code = obtain_code(browser, short, pkce)
    body = exchange(api, short, code, pkce).json()
    assert body["expires_in"] == 120
    expires = AccessToken.objects.get().expires - timezone.now()
    assert timedelta(seconds=100) < expires <= timedelta(seconds=120)


def test_no_refresh_token_when_policy_says_so(browser, api, pkce):
    no_refresh = make_client(name="No refresh", issue_refresh_tokens=False)
    code = obtain_code(browser, no_refresh, pkce)
    body = exchange(api, no_refresh, code, pkce).json()
    assert "refresh_token" not in body
    assert RefreshToken.objects.count() == 0


@pytest.fixture
def issued(browser, api, confidential, pkce):
    code = obtain_code(browser, confidential, pkce, scope="profile documents:read")
    response = exchange(api, confidential, code, pkce)
    assert response.status_code == 200
    return response.json()


def test_refresh_rotates_and_retires_the_old_pair(api, confidential, issued):
    response = refresh(api, confidential, issued["refresh_token"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["refresh_token"] != issued["refresh_token"]
    assert body["access_token"] != issued["access_token"]
    assert body["scope"] == "profile documents:read"
    old_rt = RefreshToken.objects.get(
        token_checksum=token_digest(issued["refresh_token"])
    )
    assert old_rt.revoked is not None and old_rt.rotated_at is not None
    old_at = AccessToken.objects.get(
        token_checksum=token_digest(issued["access_token"])
    )
    assert old_at.revoked is not None
    assert RefreshToken.objects.filter(revoked__isnull=True).count() == 1
    assert AuditEvent.objects.filter(event=AuditEvent.Type.TOKEN_REFRESHED).exists()


def test_refresh_may_narrow_scope(api, confidential, issued):
    response = refresh(api, confidential, issued["refresh_token"], scope="profile")
    assert response.status_code == 200
    assert response.json()["scope"] == "profile"


def test_refresh_may_not_widen_scope(api, confidential, issued):
    response = refresh(
        api, confidential, issued["refresh_token"], scope="profile documents:write"
    )
    assert_oauth_error(response, 400, "invalid_scope")
    assert RefreshToken.objects.filter(revoked__isnull=True).count() == 1


def test_reused_refresh_token_revokes_the_whole_family(
    api, confidential, issued, settings
):
    settings.AUTHSERVER = {
        **settings.AUTHSERVER,
        "REFRESH_TOKEN_REUSE_GRACE_SECONDS": 0,
    }
    rotated = refresh(api, confidential, issued["refresh_token"]).json()
    RefreshToken.objects.filter(rotated_at__isnull=False).update(
        rotated_at=timezone.now() - timedelta(seconds=5)
    )
    reuse = refresh(api, confidential, issued["refresh_token"])
    assert_oauth_error(reuse, 400, "invalid_grant")
    assert AccessToken.objects.filter(revoked__isnull=True).count() == 0
    assert RefreshToken.objects.filter(revoked__isnull=True).count() == 0
    # The legitimate holder's newer refresh token is dead too.
    assert_oauth_error(
        refresh(api, confidential, rotated["refresh_token"]), 400, "invalid_grant"
    )
    assert AuditEvent.objects.filter(event=AuditEvent.Type.REFRESH_REUSE).exists()


def test_reuse_within_grace_window_is_refused_but_keeps_the_family(
    api, confidential, issued
):
    rotated = refresh(api, confidential, issued["refresh_token"]).json()
    retry = refresh(api, confidential, issued["refresh_token"])
    assert_oauth_error(retry, 400, "invalid_grant")
    assert refresh(api, confidential, rotated["refresh_token"]).status_code == 200


def test_expired_refresh_token_is_invalid_grant(api, confidential, issued):
    RefreshToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert_oauth_error(
        refresh(api, confidential, issued["refresh_token"]), 400, "invalid_grant"
    )


def test_refresh_token_of_another_client_is_invalid_grant(api, issued):
    other = make_client(name="Other")
    assert_oauth_error(
        refresh(api, other, issued["refresh_token"]), 400, "invalid_grant"
    )


def test_disabled_client_gets_nothing(api, confidential, issued):
    confidential.client.enabled = False
    confidential.client.save()
    response = refresh(api, confidential, issued["refresh_token"])
    assert_oauth_error(response, 401, "invalid_client")


def test_client_credentials_for_allowed_confidential_client(api, confidential):
    response = api.post(
        "/oauth/token",
        {"grant_type": "client_credentials", "scope": "documents:read"},
        HTTP_AUTHORIZATION=confidential.basic_auth(),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "refresh_token" not in body
    assert body["scope"] == "documents:read"
    token = AccessToken.objects.get()
    assert token.user is None and token.application == confidential.client
    assert RefreshToken.objects.count() == 0


def test_client_credentials_refused_without_the_grant(api, browser, pkce):
    code_only = make_client(name="Code only")
    response = api.post(
        "/oauth/token",
        {"grant_type": "client_credentials", "scope": "profile"},
        HTTP_AUTHORIZATION=code_only.basic_auth(),
    )
    assert_oauth_error(response, 400, "unauthorized_client")


def test_client_credentials_refused_for_public_client(api, public):
    response = api.post(
        "/oauth/token",
        {"grant_type": "client_credentials", "client_id": public.client_id},
    )
    assert_oauth_error(response, 401, "invalid_client")
    assert AccessToken.objects.count() == 0


@pytest.mark.parametrize("grant_type", ["password", "implicit", "urn:x:unknown", ""])
def test_unoffered_grant_types_are_unsupported(api, confidential, grant_type):
    response = api.post(
        "/oauth/token",
        {"grant_type": grant_type, "username": "alice", "password": "p"},
        HTTP_AUTHORIZATION=confidential.basic_auth(),
    )
    assert response.status_code == 400
    assert response.json()["error"] in {"unsupported_grant_type", "invalid_request"}


def test_get_is_not_allowed(api):
    assert api.get("/oauth/token").status_code == 405


def test_client_secret_is_stored_only_as_a_hash(confidential):
    confidential.client.refresh_from_db()
    stored = confidential.client.client_secret
    assert confidential.secret not in stored
    assert identify_hasher(stored).algorithm == "client_sha256"
    assert len(confidential.secret) >= 43  # >= 256 bits from a 62-letter alphabet
