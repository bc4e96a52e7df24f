"""The API introspecting over HTTP (RFC 7662) against a live authorization server."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from oauth_grants.models import AccessToken
from oauth_grants.services import token_revoke
from resource_api.introspection import RemoteIntrospection
from tests.factories import issue_user_token, make_resource_server

pytestmark = pytest.mark.django_db(transaction=True)


def bearer(value: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Bearer " + value}


@pytest.fixture
def remote(settings, live_server):
    rs = make_resource_server()

    def configure(**overrides):
        settings.RESOURCE_API = {
            "INTROSPECTION_BACKEND": "remote",
            "INTROSPECTION_URL": live_server.url + "/oauth/introspect",
            "CLIENT_ID": rs.client_id,
            "CLIENT_SECRET": rs.secret,
            "TIMEOUT_SECONDS": 2,
            "CACHE_SECONDS": 1,
            **overrides,
        }

    configure()
    yield configure
    # The live server's thread serving our keep-alive connection holds a
    # database connection until the socket closes: close it before the
    # test database is dropped.
    RemoteIntrospection.session_close()


@pytest.fixture
def token(browser, api, confidential):
    return issue_user_token(browser, api, confidential, "profile documents:read")[
        "access_token"
    ]


def test_remote_token_is_accepted_then_served_from_cache(
    remote, api, token, user, django_assert_num_queries
):
    response = api.get("/api/v1/me", **bearer(token))
    assert response.status_code == 200, response.content
    assert response.json()["username"] == user.username
    assert response.json()["email"] == user.email
    with django_assert_num_queries(0):
        assert api.get("/api/v1/me", **bearer(token)).status_code == 200


def test_revocation_reaches_the_remote_api_within_the_cache_bound(remote, api, token):
    assert api.get("/api/v1/me", **bearer(token)).status_code == 200
    token_revoke(token=AccessToken.objects.get(), via="test")
    time.sleep(1.2)  # just past CACHE_SECONDS=1: the bound, not a timing assertion
    response = api.get("/api/v1/me", **bearer(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_cache_never_outlives_the_token(remote, api, token):
    remote(CACHE_SECONDS=60)
    AccessToken.objects.update(expires=timezone.now() + timedelta(seconds=1))
    assert api.get("/api/v1/me", **bearer(token)).status_code == 200
    time.sleep(1.3)
    assert api.get("/api/v1/me", **bearer(token)).status_code == 401


def test_unknown_token_is_invalid(remote, api):
    assert api.get("/api/v1/me", **bearer("not-a-token")).status_code == 401


def test_wrong_resource_server_credentials_fail_closed(remote, api, token):
    remote(CLIENT_SECRET="wrong")
    response = api.get("/api/v1/me", **bearer(token))
    assert response.status_code == 503
    assert response.json()["error"] == "temporarily_unavailable"


def test_unreachable_authorization_server_is_503(remote, api, token):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    remote(INTROSPECTION_URL="http://127.0.0.1:%d/oauth/introspect" % port)
    response = api.get("/api/v1/me", **bearer(token))
    assert response.status_code == 503


def test_slow_authorization_server_is_503_within_the_timeout(remote, api, token):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    threading.Thread(
        target=lambda: accepted.append(listener.accept()), daemon=True
    ).start()
    port = listener.getsockname()[1]
    remote(
        INTROSPECTION_URL="http://127.0.0.1:%d/oauth/introspect" % port,
        TIMEOUT_SECONDS=0.3,
    )
    try:
        response = api.get("/api/v1/me", **bearer(token))
    finally:
        listener.close()
        for conn, _addr in accepted:
            conn.close()
    assert response.status_code == 503


def unreachable_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return "http://127.0.0.1:%d/oauth/introspect" % sock.getsockname()[1]


def test_a_cache_hit_needs_neither_the_server_nor_the_shared_cache(remote, api, token):
    assert api.get("/api/v1/me", **bearer(token)).status_code == 200
    remote(INTROSPECTION_URL=unreachable_url())
    cache.clear()
    assert api.get("/api/v1/me", **bearer(token)).status_code == 200


def test_another_process_is_served_from_the_shared_cache_within_the_bound(
    remote, api, token
):
    assert api.get("/api/v1/me", **bearer(token)).status_code == 200
    # A process that never saw the token: no copy of its own, only Redis.
    RemoteIntrospection.local_cache_clear()
    remote(INTROSPECTION_URL=unreachable_url())
    assert api.get("/api/v1/me", **bearer(token)).status_code == 200
    # The copy it took keeps the first answer's bound, not a fresh one.
    remote()
    token_revoke(token=AccessToken.objects.get(), via="test")
    time.sleep(1.2)  # just past CACHE_SECONDS=1: the bound, not a timing assertion
    assert api.get("/api/v1/me", **bearer(token)).status_code == 401
