"""POST /oauth/introspect (RFC 7662): only resource servers may ask."""

from __future__ import annotations

import base64
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from oauth_grants.models import AccessToken, AuditEvent, Client
from oauth_grants.services import token_revoke
from oauth_grants.tokens import token_digest
from tests.factories import issue_client_token, issue_user_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(browser, api, confidential):
    return issue_user_token(browser, api, confidential, "profile documents:read")


def introspect(api, caller, value, **extra):
    return api.post(
        "/oauth/introspect",
        {"token": value, **extra},
        HTTP_AUTHORIZATION=caller.basic_auth(),
    )


def test_active_token_claims(api, resource_server, token, user, confidential):
    response = introspect(api, resource_server, token["access_token"])
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    claims = response.json()
    assert claims["active"] is True
    assert claims["scope"] == "profile documents:read"
    assert claims["client_id"] == confidential.client_id
    assert claims["username"] == user.username
    assert claims["sub"] == str(user.pk)
    assert claims["token_type"] == "Bearer"
    assert claims["iat"] <= time.time() < claims["exp"]


def test_secret_in_body_works_too(api, resource_server, token):
    response = api.post(
        "/oauth/introspect",
        {
            "token": token["access_token"],
            "client_id": resource_server.client_id,
            "client_secret": resource_server.secret,
        },
    )
    assert response.json()["active"] is True


def test_client_credentials_token_has_no_user(api, resource_server, confidential):
    value = issue_client_token(api, confidential, "documents:read")["access_token"]
    claims = introspect(api, resource_server, value).json()
    assert claims["active"] is True
    assert "sub" not in claims and "username" not in claims


@pytest.mark.parametrize(
    "make_inactive",
    [
        lambda: AccessToken.objects.update(
            expires=timezone.now() - timedelta(seconds=1)
        ),
        lambda: token_revoke(token=AccessToken.objects.get(), via="test"),
        lambda: Client.objects.filter(
            pk=AccessToken.objects.get().application_id
        ).update(enabled=False),
    ],
    ids=["expired", "revoked", "client-disabled"],
)
def test_dead_tokens_are_exactly_inactive(api, resource_server, token, make_inactive):
    make_inactive()
    response = introspect(api, resource_server, token["access_token"])
    assert response.status_code == 200
    assert response.content == b'{"active": false}'


@pytest.mark.parametrize("value", ["unknown-token", "", "x" * 5000, "a\x00b", "é" * 10])
def test_unknown_or_odd_tokens_are_inactive(api, resource_server, value):
    assert introspect(api, resource_server, value).content == b'{"active": false}'


def test_refresh_token_is_not_an_access_token(api, resource_server, token):
    response = introspect(api, resource_server, token["refresh_token"])
    assert response.content == b'{"active": false}'


def basic(client_id, secret):
    return (
        "Basic " + base64.b64encode(("%s:%s" % (client_id, secret)).encode()).decode()
    )


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"token_type_hint": "access_token"},
        {"grant_type": "client_credentials"},
        {"client_id": "whatever"},
        {"scope": "profile"},
    ],
)
def test_callers_that_are_not_resource_servers_get_401(
    api, token, confidential, public, extra
):
    value = token["access_token"]
    attempts = [
        api.post("/oauth/introspect", {"token": value, **extra}),
        api.post(
            "/oauth/introspect",
            {"token": value, **extra},
            HTTP_AUTHORIZATION=confidential.basic_auth(),
        ),
        api.post(
            "/oauth/introspect",
            {"token": value, **{**extra, "client_id": public.client_id}},
        ),
        api.post(
            "/oauth/introspect",
            {"token": value, **extra},
            HTTP_AUTHORIZATION=basic(public.client_id, ""),
        ),
        api.post(
            "/oauth/introspect",
            {"token": value, **extra},
            HTTP_AUTHORIZATION="Bearer " + value,
        ),
        api.post(
            "/oauth/introspect",
            {"token": value, **extra},
            HTTP_AUTHORIZATION=basic(confidential.client_id, "wrong"),
        ),
    ]
    for response in attempts:
        assert response.status_code == 401, response.content
        assert response["WWW-Authenticate"].startswith("Basic")
        assert b"active" not in response.content
    assert AuditEvent.objects.filter(
        event=AuditEvent.Type.INTROSPECTION_REFUSED
    ).count() == len(attempts)


def test_wrong_secret_of_a_resource_server_is_401(api, resource_server, token):
    response = api.post(
        "/oauth/introspect",
        {"token": token["access_token"]},
        HTTP_AUTHORIZATION=basic(resource_server.client_id, "nope"),
    )
    assert response.status_code == 401


def test_get_is_refused(api, resource_server, token):
    response = api.get(
        "/oauth/introspect?token=" + token["access_token"],
        HTTP_AUTHORIZATION=resource_server.basic_auth(),
    )
    assert response.status_code == 405


def test_token_in_query_string_is_refused(api, resource_server, token):
    response = api.post(
        "/oauth/introspect?token=" + token["access_token"],
        {},
        HTTP_AUTHORIZATION=resource_server.basic_auth(),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert b"active" not in response.content


def test_repeated_token_parameter_is_refused(api, resource_server, token):
    response = api.post(
        "/oauth/introspect",
        "token=a&token=b",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=resource_server.basic_auth(),
    )
    assert response.status_code == 400


def test_disabled_resource_server_is_refused(api, resource_server, token):
    resource_server.client.enabled = False
    resource_server.client.save()
    assert introspect(api, resource_server, token["access_token"]).status_code == 401


def test_tokens_are_looked_up_by_digest(api, resource_server, token):
    row = AccessToken.objects.get()
    assert row.token == ""
    assert row.token_checksum == token_digest(token["access_token"])


def test_introspection_is_one_query(
    api, resource_server, token, django_assert_max_num_queries
):
    # The calling client and the token in one statement (oauth_grants/lookups.py).
    with django_assert_max_num_queries(1):
        assert introspect(api, resource_server, token["access_token"]).json()["active"]
