"""A password change or reset ends every authorization of that person."""

from __future__ import annotations

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.hashers import make_password

from oauth_grants.models import AccessToken, AuditEvent, Consent, RefreshToken
from tests.factories import issue_user_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def authorized(browser, api, confidential, user):
    """Alice authorized the app: tokens and a remembered consent exist."""
    tokens = issue_user_token(browser, api, confidential, "profile")
    assert Consent.objects.filter(user=user).exists()
    return tokens


def introspect_active(api, resource_server, token: str) -> bool:
    response = api.post(
        "/oauth/introspect",
        {"token": token},
        HTTP_AUTHORIZATION=resource_server.basic_auth(),
    )
    assert response.status_code == 200
    return response.json()["active"]


def refresh(api, confidential, refresh_token: str):
    return api.post(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        HTTP_AUTHORIZATION=confidential.basic_auth(),
    )


def assert_all_ended(api, confidential, resource_server, user, tokens) -> None:
    assert not introspect_active(api, resource_server, tokens["access_token"])
    answer = refresh(api, confidential, tokens["refresh_token"])
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.filter(user=user, revoked__isnull=True).exists()
    assert not RefreshToken.objects.filter(user=user, revoked__isnull=True).exists()
    assert not Consent.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(event=AuditEvent.Type.PASSWORD_CHANGED)
    assert event.user == user
    assert event.detail["tokens_revoked"] >= 2


def test_set_password_and_save_revokes_tokens_and_consents(
    api, confidential, resource_server, user, authorized
):
    assert introspect_active(api, resource_server, authorized["access_token"])
    user.set_password("a brand new password 42")
    user.save()
    assert_all_ended(api, confidential, resource_server, user, authorized)


def test_admin_password_form_revokes(
    admin_client, api, confidential, resource_server, user, authorized
):
    response = admin_client.post(
        "/admin/auth/user/%d/password/" % user.pk,
        {
            "password1": "another new password 42",
            "password2": "another new password 42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert_all_ended(api, confidential, resource_server, user, authorized)


def test_password_reset_revokes(api, confidential, resource_server, user, authorized):
    form = SetPasswordForm(
        user,
        {
            "new_password1": "reset password 42 xyz",
            "new_password2": "reset password 42 xyz",
        },
    )
    assert form.is_valid(), form.errors
    form.save()
    assert_all_ended(api, confidential, resource_server, user, authorized)


def test_other_saves_and_hash_upgrades_revoke_nothing(
    api, resource_server, user, authorized
):
    user.first_name = "Alicia"
    user.save()
    # A sign-in with an outdated hash re-hashes the same password (Django's
    # check_password upgrade): not a password change.
    user.password = make_password("correct horse 42", hasher="pbkdf2_sha1")
    user.save()
    assert user.check_password("correct horse 42")
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")
    assert introspect_active(api, resource_server, authorized["access_token"])
    assert not AuditEvent.objects.filter(event=AuditEvent.Type.PASSWORD_CHANGED)
