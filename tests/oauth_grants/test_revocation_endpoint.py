"""POST /oauth/revoke (RFC 7009)."""

from __future__ import annotations

import pytest

from oauth_grants.models import AccessToken, AuditEvent, RefreshToken
from tests.factories import issue_user_token, make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(browser, api, confidential):
    return issue_user_token(browser, api, confidential, "profile")


def revoke(api, registered, value, **extra):
    return api.post(
        "/oauth/revoke",
        {"token": value, **extra},
        HTTP_AUTHORIZATION=registered.basic_auth(),
    )


def live_counts():
    return (
        AccessToken.objects.filter(revoked__isnull=True).count(),
        RefreshToken.objects.filter(revoked__isnull=True).count(),
    )


def test_revoking_the_refresh_token_revokes_its_access_token(api, confidential, token):
    assert live_counts() == (1, 1)
    response = revoke(api, confidential, token["refresh_token"])
    assert response.status_code == 200
    assert live_counts() == (0, 0)
    assert AuditEvent.objects.filter(event=AuditEvent.Type.TOKEN_REVOKED).exists()


def test_revoking_the_access_token_revokes_its_refresh_token(api, confidential, token):
    response = revoke(
        api, confidential, token["access_token"], token_type_hint="access_token"
    )
    assert response.status_code == 200
    assert live_counts() == (0, 0)


def test_a_wrong_hint_is_not_trusted(api, confidential, token):
    revoke(api, confidential, token["access_token"], token_type_hint="refresh_token")
    assert live_counts() == (0, 0)


def test_unknown_token_is_200(api, confidential, token):
    assert revoke(api, confidential, "no-such-token").status_code == 200
    assert live_counts() == (1, 1)


def test_a_client_revokes_only_its_own_tokens(api, token):
    other = make_client(name="Other")
    assert revoke(api, other, token["access_token"]).status_code == 200
    assert live_counts() == (1, 1)


def test_public_client_revokes_with_client_id(browser, api, public):
    issued = issue_user_token(browser, api, public, "profile")
    response = api.post(
        "/oauth/revoke",
        {"token": issued["refresh_token"], "client_id": public.client_id},
    )
    assert response.status_code == 200
    assert live_counts() == (0, 0)


def test_unauthenticated_revocation_is_401(api, confidential, token):
    response = api.post("/oauth/revoke", {"token": token["access_token"]})
    assert response.status_code == 401
    response = api.post(
        "/oauth/revoke",
        {"token": token["access_token"], "client_id": confidential.client_id},
    )
    assert response.status_code == 401
    assert live_counts() == (1, 1)


def test_missing_token_is_invalid_request(api, confidential):
    response = api.post(
        "/oauth/revoke", {}, HTTP_AUTHORIZATION=confidential.basic_auth()
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_revoked_refresh_token_can_no_longer_refresh(api, confidential, token):
    revoke(api, confidential, token["refresh_token"])
    response = api.post(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        HTTP_AUTHORIZATION=confidential.basic_auth(),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
