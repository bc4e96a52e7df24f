"""The admin console (issue 4), through Django's admin over the test client."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError

from oauth_grants.models import (
    AccessToken,
    AuditEvent,
    Client,
    ClientScope,
    Consent,
    RefreshToken,
    Scope,
)
from tests.factories import issue_user_token, make_scopes

pytestmark = pytest.mark.django_db

SECRET_RE = re.compile(r'<code id="client-secret">([^<]+)</code>')


def client_form(**overrides):
    data = {
        "name": "Console App",
        "client_type": "confidential",
        "grant_types": ["authorization_code"],
        "redirect_uris": "https://console.example.test/cb\nhttp://127.0.0.1:9000/cb",
        "homepage_url": "https://console.example.test",
        "access_token_lifetime_0": "15",
        "access_token_lifetime_1": "minutes",
        "issue_refresh_tokens": "on",
        "refresh_token_lifetime_0": "1",
        "refresh_token_lifetime_1": "days",
        "enabled": "on",
        "clientscope_set-TOTAL_FORMS": "1",
        "clientscope_set-INITIAL_FORMS": "0",
        "clientscope_set-MIN_NUM_FORMS": "0",
        "clientscope_set-MAX_NUM_FORMS": "1000",
        "clientscope_set-0-scope": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_register_confidential_client_shows_secret_exactly_once(admin_client):
    scope = make_scopes()[1]
    response = admin_client.post(
        "/admin/oauth_grants/client/add/",
        client_form(**{"clientscope_set-0-scope": str(scope.pk)}),
        follow=True,
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = SECRET_RE.search(response.content.decode()).group(1)
    client = Client.objects.get(name="Console App")
    assert check_password(secret, client.client_secret)
    assert secret not in client.client_secret
    assert client.access_token_lifetime == 900
    assert client.redirect_uri_list == [
        "https://console.example.test/cb",
        "http://127.0.0.1:9000/cb",
    ]
    assert list(client.allowed_scopes.all()) == [scope]
    assert AuditEvent.objects.filter(
        event=AuditEvent.Type.CLIENT_CREATED, client=client
    ).exists()
    # Never again: change page, list, audit trail.
    for url in (
        "/admin/oauth_grants/client/",
        "/admin/oauth_grants/client/%d/change/" % client.pk,
        "/admin/oauth_grants/auditevent/",
    ):
        page = admin_client.get(url)
        assert page.status_code == 200
        assert secret not in page.content.decode()


def test_regenerate_secret_shows_the_new_one_once_and_kills_the_old(
    admin_client, confidential, api
):
    url = "/admin/oauth_grants/client/%d/regenerate-secret/" % confidential.client.pk
    assert admin_client.get(url).status_code == 200  # confirmation page
    response = admin_client.post(url, follow=True)
    new_secret = SECRET_RE.search(response.content.decode()).group(1)
    confidential.client.refresh_from_db()
    assert check_password(new_secret, confidential.client.client_secret)
    assert not check_password(confidential.secret, confidential.client.client_secret)
    old = api.post(
        "/oauth/token",
        {"grant_type": "client_credentials", "scope": "profile"},
        HTTP_AUTHORIZATION=confidential.basic_auth(),
    )
    assert old.status_code == 401
    assert AuditEvent.objects.filter(event=AuditEvent.Type.SECRET_REGENERATED).exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"client_type": "public", "grant_types": ["client_credentials"]},
            "public client",
        ),
        ({"redirect_uris": ""}, "at least one redirect URI"),
        ({"redirect_uris": "/relative/cb"}, "https"),
        ({"redirect_uris": "https://example.test/cb#frag"}, "fragment"),
        ({"redirect_uris": "https://*.example.test/cb"}, "wildcard"),
        ({"redirect_uris": "http://example.test/cb"}, "loopback"),
        ({"redirect_uris": "http://localhost:8000/cb"}, "loopback"),
        ({"redirect_uris": "JavaScript:alert(1)"}, "https"),
        ({"redirect_uris": "DATA:text/html,x"}, "https"),
        ({"redirect_uris": "file:///etc/passwd"}, "https"),
        ({"redirect_uris": "https://user:pw@example.test/cb"}, "user information"),
        ({"access_token_lifetime_0": "0"}, "at least 1"),
    ],
)
def test_validation_rules_refuse_with_a_clear_message_and_save_nothing(
    admin_client, overrides, message
):
    response = admin_client.post(
        "/admin/oauth_grants/client/add/", client_form(**overrides)
    )
    assert response.status_code == 200
    assert message.lower() in response.content.decode().lower()
    assert Client.objects.count() == 0


def test_disable_then_tokens_stop_working(admin_client, browser, api, confidential):
    token = issue_user_token(browser, api, confidential, "profile")["access_token"]
    assert (
        api.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + token).status_code == 200
    )
    admin_client.post(
        "/admin/oauth_grants/client/",
        {"action": "disable_clients", "_selected_action": [confidential.client.pk]},
    )
    confidential.client.refresh_from_db()
    assert confidential.client.enabled is False
    assert (
        api.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + token).status_code == 401
    )
    assert AuditEvent.objects.filter(event=AuditEvent.Type.CLIENT_DISABLED).exists()


def test_delete_client_takes_tokens_and_consents(
    admin_client, browser, api, confidential
):
    issue_user_token(browser, api, confidential, "profile")
    assert Consent.objects.count() == 1
    response = admin_client.post(
        "/admin/oauth_grants/client/%d/delete/" % confidential.client.pk,
        {"post": "yes"},
    )
    assert response.status_code == 302
    assert not Client.objects.filter(pk=confidential.client.pk).exists()
    assert AccessToken.objects.count() == RefreshToken.objects.count() == 0
    assert Consent.objects.count() == 0
    assert AuditEvent.objects.filter(event=AuditEvent.Type.CLIENT_DELETED).exists()


def test_revoke_all_tokens_of_selected_clients(
    admin_client, browser, api, confidential
):
    issue_user_token(browser, api, confidential, "profile")
    admin_client.post(
        "/admin/oauth_grants/client/",
        {
            "action": "revoke_client_tokens",
            "_selected_action": [confidential.client.pk],
        },
    )
    assert not AccessToken.objects.filter(revoked__isnull=True).exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()


def test_scope_clients_from_the_scope_side(admin_client, confidential):
    scope = Scope.objects.create(name="reports:read", description="Read reports")
    response = admin_client.post(
        "/admin/oauth_grants/scope/%d/change/" % scope.pk,
        {
            "description": "Read your reports",
            "clientscope_set-TOTAL_FORMS": "1",
            "clientscope_set-INITIAL_FORMS": "0",
            "clientscope_set-MIN_NUM_FORMS": "0",
            "clientscope_set-MAX_NUM_FORMS": "1000",
            "clientscope_set-0-client": str(confidential.client.pk),
            "clientscope_set-0-required": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    link = ClientScope.objects.get(scope=scope)
    assert link.client == confidential.client and link.required
    scope.refresh_from_db()
    assert scope.name == "reports:read"  # the name is fixed once created


@pytest.mark.parametrize("name", ["has space", 'q"uote', "back\\slash", "x" * 101])
def test_scope_name_rules(admin_client, name):
    response = admin_client.post(
        "/admin/oauth_grants/scope/add/",
        {
            "name": name,
            "description": "d",
            "clientscope_set-TOTAL_FORMS": "0",
            "clientscope_set-INITIAL_FORMS": "0",
            "clientscope_set-MIN_NUM_FORMS": "0",
            "clientscope_set-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert Scope.objects.filter(name=name).count() == 0


def test_scope_in_use_cannot_be_deleted(admin_client, confidential):
    scope = Scope.objects.get(name="profile")
    response = admin_client.post(
        "/admin/oauth_grants/scope/%d/delete/" % scope.pk, {"post": "yes"}, follow=True
    )
    assert "cannot be deleted" in response.content.decode()
    assert Scope.objects.filter(name="profile").exists()


def test_scope_held_by_a_live_token_cannot_be_deleted(admin_client, browser, api):
    from tests.factories import make_client

    registered = make_client(name="Holder", scopes=["profile", "email"])
    issue_user_token(browser, api, registered, "email")
    ClientScope.objects.filter(scope__name="email").delete()
    scope = Scope.objects.get(name="email")
    response = admin_client.post(
        "/admin/oauth_grants/scope/%d/delete/" % scope.pk, {"post": "yes"}, follow=True
    )
    assert "live access tokens" in response.content.decode()
    assert Scope.objects.filter(name="email").exists()


def test_token_list_filters_search_and_never_shows_values(
    admin_client, browser, api, confidential
):
    issued = issue_user_token(browser, api, confidential, "profile")
    pages = [
        "/admin/oauth_grants/accesstoken/",
        "/admin/oauth_grants/accesstoken/?status=active",
        "/admin/oauth_grants/accesstoken/?q=alice",
        "/admin/oauth_grants/accesstoken/?q=" + confidential.client_id,
        "/admin/oauth_grants/refreshtoken/?status=active",
        "/admin/oauth_grants/accesstoken/%d/change/" % AccessToken.objects.get().pk,
        "/admin/oauth_grants/refreshtoken/%d/change/" % RefreshToken.objects.get().pk,
        "/admin/oauth_grants/authorizationcode/",
        "/admin/oauth_grants/consent/",
        "/admin/oauth_grants/auditevent/",
        "/admin/",
    ]
    for url in pages:
        page = admin_client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        for secret in (
            issued["access_token"],
            issued["refresh_token"],
            confidential.secret,
        ):
            assert secret not in html, url
    assert (
        "alice"
        in admin_client.get("/admin/oauth_grants/accesstoken/?q=alice").content.decode()
    )
    by_value = admin_client.get(
        "/admin/oauth_grants/accesstoken/?q=" + issued["access_token"]
    )
    assert (
        "0 access tokens" in by_value.content.decode()
        or "0 results" in by_value.content.decode()
    )
    revoked = admin_client.get("/admin/oauth_grants/accesstoken/?status=revoked")
    assert (
        "0 access tokens" in revoked.content.decode()
        or "0 results" in revoked.content.decode()
    )


def test_tokens_cannot_be_added_or_edited(admin_client, browser, api, confidential):
    issue_user_token(browser, api, confidential, "profile")
    assert admin_client.get("/admin/oauth_grants/accesstoken/add/").status_code == 403
    token = AccessToken.objects.get()
    before = token.scope
    admin_client.post(
        "/admin/oauth_grants/accesstoken/%d/change/" % token.pk, {"scope": "everything"}
    )
    token.refresh_from_db()
    assert token.scope == before


def test_revoke_selected_tokens_holds_from_the_next_request(
    admin_client, browser, api, confidential
):
    issued = issue_user_token(browser, api, confidential, "profile")
    bearer = {"HTTP_AUTHORIZATION": "Bearer " + issued["access_token"]}
    assert api.get("/api/v1/me", **bearer).status_code == 200
    admin_client.post(
        "/admin/oauth_grants/accesstoken/",
        {
            "action": "revoke_selected",
            "_selected_action": [AccessToken.objects.get().pk],
        },
    )
    assert api.get("/api/v1/me", **bearer).status_code == 401
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()


def test_revoke_all_tokens_of_a_user(admin_client, browser, api, confidential, user):
    issue_user_token(browser, api, confidential, "profile")
    admin_client.post(
        "/admin/auth/user/",
        {"action": "revoke_user_tokens", "_selected_action": [user.pk]},
    )
    assert not AccessToken.objects.filter(user=user, revoked__isnull=True).exists()


def test_revoking_a_consent_revokes_that_users_tokens_for_that_client(
    admin_client, browser, api, confidential
):
    issue_user_token(browser, api, confidential, "profile")
    admin_client.post(
        "/admin/oauth_grants/consent/",
        {"action": "revoke_consents", "_selected_action": [Consent.objects.get().pk]},
    )
    assert Consent.objects.count() == 0
    assert not AccessToken.objects.filter(revoked__isnull=True).exists()
    assert AuditEvent.objects.filter(event=AuditEvent.Type.CONSENT_REVOKED).exists()


def test_audit_trail_is_read_only_and_filterable(
    admin_client, browser, api, confidential
):
    issue_user_token(browser, api, confidential, "profile")
    page = admin_client.get("/admin/oauth_grants/auditevent/?event=token_issued")
    assert page.status_code == 200
    assert "Token issued" in page.content.decode()
    assert admin_client.get("/admin/oauth_grants/auditevent/add/").status_code == 403
    event = AuditEvent.objects.first()
    admin_client.post(
        "/admin/oauth_grants/auditevent/%d/delete/" % event.pk, {"post": "yes"}
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_dashboard_and_effective_settings(admin_client, browser, api, confidential):
    issue_user_token(browser, api, confidential, "profile")
    html = admin_client.get("/admin/").content.decode()
    assert 'id="stat-active-tokens">1<' in html
    assert "<svg" in html and "Tokens issued per day" in html
    settings_page = admin_client.get("/admin/oauth-settings/").content.decode()
    assert "http://testserver" in settings_page
    assert "Refresh reuse grace window" in settings_page


def test_effective_settings_need_staff(browser):
    response = browser.get("/admin/oauth-settings/")
    assert response.status_code == 302


def test_revoke_tokens_command(browser, api, confidential, user):
    issue_user_token(browser, api, confidential, "profile")
    out = StringIO()
    call_command("revoke_tokens", "--user", user.username, stdout=out)
    assert out.getvalue().strip() == "2 token(s) revoked"
    out = StringIO()
    call_command("revoke_tokens", "--client", confidential.client_id, stdout=out)
    assert out.getvalue().strip() == "0 token(s) revoked"
    with pytest.raises(CommandError):
        call_command("revoke_tokens", "--user", "nobody")


def test_cleartokens_removes_dead_tokens_only(browser, api, confidential):
    from datetime import timedelta

    from django.utils import timezone

    first = issue_user_token(browser, api, confidential, "profile")
    issue_user_token(browser, api, confidential, "profile")
    api.post(
        "/oauth/revoke",
        {"token": first["refresh_token"]},
        HTTP_AUTHORIZATION=confidential.basic_auth(),
    )
    from oauth_grants.models import AuthorizationCode

    AuthorizationCode.objects.update(expires=timezone.now() - timedelta(seconds=1))
    call_command("cleartokens", "--quiet", "--batch-size", "1", stdout=StringIO())
    assert AccessToken.objects.count() == 1
    assert RefreshToken.objects.count() == 1
    assert AuthorizationCode.objects.count() == 0
    assert AccessToken.objects.get().revoked is None


def test_cleartokens_walks_ranges_of_interleaved_live_and_dead_rows(user, confidential):
    from datetime import timedelta

    from django.utils import timezone

    from oauth_grants.tokens import token_digest

    now = timezone.now()
    live, dead = [], []
    for n in range(9):
        expired = n % 3 != 0  # dead, dead, live, ...
        row = AccessToken.objects.create(
            user=user,
            application=confidential.client,
            scope="profile",
            expires=now + timedelta(hours=-1 if expired else 1),
            token="",
            token_checksum=token_digest("t%d" % n),
        )
        (dead if expired else live).append(row.pk)
    # A live refresh token whose access token has expired keeps living.
    kept = RefreshToken.objects.create(
        user=user,
        application=confidential.client,
        access_token_id=dead[0],
        token="",
        token_checksum=token_digest("r"),
        expires=now + timedelta(days=1),
    )
    out = StringIO()
    call_command("cleartokens", "--quiet", "--batch-size", "2", stdout=out)
    assert sorted(AccessToken.objects.values_list("pk", flat=True)) == live
    assert RefreshToken.objects.get().pk == kept.pk
    assert RefreshToken.objects.get().access_token_id is None
    assert "access tokens: %d removed" % len(dead) in out.getvalue()
