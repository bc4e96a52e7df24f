"""Token-path policy: redirect_uri at the token endpoint (RFC 6749 §4.1.3),
the absolute lifetime of a refresh-token family, and what ``cleartokens``
keeps so reuse detection still works after a cleanup (RFC 9700 §4.14.2)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from oauth_grants.models import AccessToken, AuditEvent, RefreshToken
from oauth_grants.tokens import token_digest
from tests.factories import REDIRECT_URI, Pkce, make_client, obtain_code

pytestmark = pytest.mark.django_db


def exchange(api, registered, code, pkce, **extra):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": pkce.verifier,
        **extra,
    }
    return api.post(
        "/oauth/token",
        {k: v for k, v in data.items() if v is not None},
        HTTP_AUTHORIZATION=registered.basic_auth(),
    )


def refresh(api, registered, refresh_token):
    return api.post(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        HTTP_AUTHORIZATION=registered.basic_auth(),
    )


def error_of(response) -> tuple[int, str]:
    return response.status_code, response.json().get("error")


# --- redirect_uri at the token endpoint ------------------------------------


def test_redirect_uri_left_out_of_the_token_request_is_invalid_grant(
    browser, api, confidential, pkce
):
    """RFC 6749 §4.1.3: required when the authorization request carried it,
    even when the client has a single registered URI to fall back on."""
    code = obtain_code(browser, confidential, pkce)
    response = exchange(api, confidential, code, pkce, redirect_uri=None)
    assert error_of(response) == (400, "invalid_grant")
    assert AccessToken.objects.count() == 0
    # The code is not spent by the refusal: the right request still works.
    assert exchange(api, confidential, code, pkce).status_code == 200


def test_other_redirect_uri_is_invalid_grant(browser, api, confidential, pkce):
    """RFC 6749 §5.2: a redirection URI that does not match is invalid_grant."""
    code = obtain_code(browser, confidential, pkce)
    other = "https://client.example.test/other"
    response = exchange(api, confidential, code, pkce, redirect_uri=other)
    assert error_of(response) == (400, "invalid_grant")
    assert AccessToken.objects.count() == 0


def test_redirect_uri_may_be_left_out_of_both_requests(browser, api, confidential):
    """Not carried by the authorization request: not required at the token one."""
    from urllib.parse import parse_qs, urlencode, urlsplit

    pkce = Pkce.new()
    params = {
        "response_type": "code",
        "client_id": confidential.client_id,
        "scope": "profile",
        "state": "s1",
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
    }
    page = browser.get("/oauth/authorize?" + urlencode(params))
    assert page.status_code == 200, page.content[:300]
    answer = browser.post(
        "/oauth/authorize",
        {
            "request_id": page.context["pending_id"],
            "decision": "approve",
            "scope": ["profile"],
        },
    )
    code = parse_qs(urlsplit(answer["Location"]).query)["code"][0]
    response = exchange(api, confidential, code, pkce, redirect_uri=None)
    assert response.status_code == 200, response.content


# --- absolute lifetime of a refresh-token family ---------------------------


@pytest.fixture
def capped(db):
    return make_client(
        name="Capped",
        refresh_token_lifetime=30 * 24 * 3600,
        refresh_token_max_lifetime=90 * 24 * 3600,
    )


def start_family(browser, api, registered) -> dict:
    pkce = Pkce.new()
    code = obtain_code(browser, registered, pkce)
    response = exchange(api, registered, code, pkce)
    assert response.status_code == 200, response.content
    return response.json()


def age_family(days: float) -> None:
    """Move the whole family ``days`` into the past, as if time had passed."""
    shift = timedelta(days=days)
    for model in (RefreshToken, AccessToken):
        for row in model.objects.all():
            fields = {"created": row.created - shift}
            if getattr(row, "family_started", None) is not None:
                fields["family_started"] = row.family_started - shift
            model.objects.filter(pk=row.pk).update(**fields)


def test_refreshed_monthly_a_family_dies_at_its_absolute_lifetime(browser, api, capped):
    body = start_family(browser, api, capped)
    # Used every 29 days: inside the idle expiry each time.
    for _month in range(3):
        age_family(29)
        RefreshToken.objects.filter(revoked__isnull=True).update(
            expires=timezone.now() + timedelta(days=1)
        )
        response = refresh(api, capped, body["refresh_token"])
        if response.status_code != 200:
            break
        body = response.json()
    # 87 days in: the last refresh worked, its token expires at day 90, not 117.
    assert response.status_code == 200, response.content
    live = RefreshToken.objects.get(revoked__isnull=True)
    left = live.expires - timezone.now()
    assert timedelta(days=2) < left <= timedelta(days=3)
    # Past day 90: invalid_grant, and the person has to sign in again.
    age_family(4)
    RefreshToken.objects.filter(pk=live.pk).update(
        expires=timezone.now() + timedelta(days=1)
    )
    assert error_of(refresh(api, capped, body["refresh_token"])) == (
        400,
        "invalid_grant",
    )
    assert AccessToken.objects.filter(revoked__isnull=True).count() == 1


def test_new_refresh_token_expiry_is_the_earlier_of_idle_and_cap(browser, api, capped):
    body = start_family(browser, api, capped)
    first = RefreshToken.objects.get()
    assert first.expires - first.created <= timedelta(days=30, seconds=1)
    age_family(80)
    body = refresh(api, capped, body["refresh_token"]).json()
    newest = RefreshToken.objects.get(
        token_checksum=token_digest(body["refresh_token"])
    )
    # now + 30 days would be day 110; the cap at day 90 wins.
    left = newest.expires - timezone.now()
    assert timedelta(days=9, hours=23) < left <= timedelta(days=10)


def test_default_absolute_lifetime_applies_to_every_client(confidential):
    from oauth_grants.models import DEFAULT_REFRESH_TOKEN_MAX_LIFETIME

    client = confidential.client
    assert client.refresh_token_max_lifetime == DEFAULT_REFRESH_TOKEN_MAX_LIFETIME
    assert client.refresh_token_max_lifetime >= client.refresh_token_lifetime


def test_create_client_takes_refresh_token_max_lifetime(db):
    import json

    from oauth_grants.models import Client
    from tests.factories import make_scopes

    make_scopes()
    out = StringIO()
    call_command(
        "create_client",
        "--name",
        "Short family",
        "--type",
        "confidential",
        "--grant",
        "authorization_code",
        "--redirect-uri",
        REDIRECT_URI,
        "--scope",
        "profile",
        "--refresh-token-max-lifetime",
        "86400",
        "--json",
        stdout=out,
    )
    client_id = json.loads(out.getvalue())["client_id"]
    assert Client.objects.get(client_id=client_id).refresh_token_max_lifetime == 86400


def test_admin_form_shows_and_saves_the_absolute_lifetime(admin_client, confidential):
    from oauth_grants.models import Client

    url = "/admin/oauth_grants/client/%d/change/" % confidential.client.pk
    page = admin_client.get(url)
    # Entered as an amount and a unit (admin_forms.DurationField).
    assert 'name="refresh_token_max_lifetime_0"' in page.content.decode()
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    for name in ("access_token_lifetime", "refresh_token_lifetime"):
        data[name + "_0"], data[name + "_1"] = str(data.pop(name)), "seconds"
    data.pop("refresh_token_max_lifetime", None)
    data.update(
        redirect_uris=REDIRECT_URI,
        grant_types=confidential.client.grant_types,
        refresh_token_max_lifetime_0="1",
        refresh_token_max_lifetime_1="hours",
        **{
            "clientscope_set-TOTAL_FORMS": "0",
            "clientscope_set-INITIAL_FORMS": "0",
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    client = Client.objects.get(pk=confidential.client.pk)
    assert client.refresh_token_max_lifetime == 3600


# --- cleartokens and reuse detection ---------------------------------------


def test_reuse_after_cleartokens_still_revokes_the_family(
    browser, api, confidential, settings
):
    settings.AUTHSERVER = {
        **settings.AUTHSERVER,
        "REFRESH_TOKEN_REUSE_GRACE_SECONDS": 0,
    }
    stolen = start_family(browser, api, confidential)
    newer = refresh(api, confidential, stolen["refresh_token"]).json()
    RefreshToken.objects.filter(rotated_at__isnull=False).update(
        rotated_at=timezone.now() - timedelta(seconds=5)
    )
    call_command("cleartokens", "--quiet", stdout=StringIO())
    # The rotated-out token is kept: its family is still alive.
    assert RefreshToken.objects.filter(
        token_checksum=token_digest(stolen["refresh_token"])
    ).exists()
    reuse = refresh(api, confidential, stolen["refresh_token"])
    assert error_of(reuse) == (400, "invalid_grant")
    # The thief's (or holder's) newer token is dead with the family.
    assert error_of(refresh(api, confidential, newer["refresh_token"])) == (
        400,
        "invalid_grant",
    )
    assert AccessToken.objects.filter(revoked__isnull=True).count() == 0
    assert AuditEvent.objects.filter(event=AuditEvent.Type.REFRESH_REUSE).exists()


def test_cleartokens_prunes_a_rotated_token_once_its_family_is_dead(
    browser, api, confidential
):
    stolen = start_family(browser, api, confidential)
    refresh(api, confidential, stolen["refresh_token"])
    other = start_family(browser, api, confidential)
    # The first family ends: its live tokens expire.
    family = RefreshToken.objects.get(
        token_checksum=token_digest(stolen["refresh_token"])
    ).token_family
    past = timezone.now() - timedelta(seconds=1)
    RefreshToken.objects.filter(token_family=family, revoked__isnull=True).update(
        expires=past
    )
    AccessToken.objects.filter(token_family=family, revoked__isnull=True).update(
        expires=past
    )
    call_command("cleartokens", "--quiet", stdout=StringIO())
    assert not RefreshToken.objects.filter(token_family=family).exists()
    assert RefreshToken.objects.get().token_checksum == token_digest(
        other["refresh_token"]
    )


# --- audit retention -------------------------------------------------------


def test_cleartokens_prunes_audit_events_past_retention(
    browser, api, confidential, settings
):
    settings.AUTHSERVER = {**settings.AUTHSERVER, "AUDIT_RETENTION_DAYS": 30}
    start_family(browser, api, confidential)
    total = AuditEvent.objects.count()
    old = AuditEvent.objects.order_by("pk")[:2]
    AuditEvent.objects.filter(pk__in=[e.pk for e in old]).update(
        created=timezone.now() - timedelta(days=31)
    )
    out = StringIO()
    call_command("cleartokens", "--quiet", stdout=out)
    assert AuditEvent.objects.count() == total - 2
    assert not AuditEvent.objects.filter(
        created__lt=timezone.now() - timedelta(days=30)
    ).exists()
    assert "audit events: 2 removed" in out.getvalue()


def test_audit_retention_zero_keeps_everything(browser, api, confidential, settings):
    settings.AUTHSERVER = {**settings.AUTHSERVER, "AUDIT_RETENTION_DAYS": 0}
    start_family(browser, api, confidential)
    AuditEvent.objects.update(created=timezone.now() - timedelta(days=3650))
    total = AuditEvent.objects.count()
    call_command("cleartokens", "--quiet", stdout=StringIO())
    assert AuditEvent.objects.count() == total
