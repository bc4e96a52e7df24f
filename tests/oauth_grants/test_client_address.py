"""The client's address behind proxies: one answer for rate limits, lockout,
audit records and the /metrics allow-list; spoofed headers change nothing."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from oauth_grants.client_address import client_address_from_meta
from oauth_grants.models import AuditEvent
from tests.factories import make_user


@pytest.fixture
def behind_proxy(settings):
    settings.AUTHSERVER = {
        **settings.AUTHSERVER,
        "TRUSTED_PROXIES": ["127.0.0.1", "10.0.0.0/8"],
    }


def meta(peer: str, forwarded: str | None = None) -> dict[str, str]:
    values = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        values["HTTP_X_FORWARDED_FOR"] = forwarded
    return values


def test_without_trusted_proxies_the_header_changes_nothing(settings):
    assert client_address_from_meta(meta("198.51.100.1", "203.0.113.9")) == (
        "198.51.100.1"
    )


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        # An untrusted peer's header is ignored.
        ("198.51.100.1", "203.0.113.9", "198.51.100.1"),
        # One trusted proxy: the entry it appended.
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),
        # A client that sends its own X-Forwarded-For cannot choose its address:
        # the walk stops at the first untrusted hop from the right.
        ("127.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        # Two trusted hops (load balancer, then the local proxy).
        ("127.0.0.1", "203.0.113.9, 10.1.2.3", "203.0.113.9"),
        # A spoofed trusted-looking hop to the left of the client is not reached.
        ("127.0.0.1", "10.9.9.9, 203.0.113.9", "203.0.113.9"),
        # Every hop trusted: the leftmost.
        ("127.0.0.1", "10.1.1.1, 10.2.2.2", "10.1.1.1"),
        # Malformed entry: the trusted hop that passed it on.
        ("127.0.0.1", "203.0.113.9, not-an-ip", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        # Ports and brackets, IPv6, IPv4-mapped.
        ("127.0.0.1", "[2001:db8::1]:4711", "2001:db8::1"),
        ("127.0.0.1", "203.0.113.9:4711", "203.0.113.9"),
        ("::ffff:127.0.0.1", "203.0.113.9", "203.0.113.9"),
    ],
)
def test_forwarded_chain_walked_from_the_right(behind_proxy, peer, forwarded, client):
    assert client_address_from_meta(meta(peer, forwarded)) == client


def test_metrics_allow_list_uses_the_client_address(behind_proxy, db):
    proxy = HttpClient(REMOTE_ADDR="127.0.0.1")
    outside = proxy.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert outside.status_code == 404
    inside = proxy.get("/metrics")
    assert inside.status_code == 200


def test_spoofed_header_cannot_reach_metrics_without_a_trusted_proxy(db):
    stranger = HttpClient(REMOTE_ADDR="203.0.113.9")
    assert stranger.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 404


def test_audit_and_lockout_see_the_forwarded_client(behind_proxy, settings, db):
    make_user("lea", "lea-password-42")
    make_user("max", "max-password-42")
    proxy = HttpClient(REMOTE_ADDR="127.0.0.1")
    for name in ("lea", "lea", "lea", "lea", "lea"):
        proxy.post(
            "/accounts/login/",
            {"username": name, "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.50",
        )
    locked = AuditEvent.objects.get(event=AuditEvent.Type.LOGIN_LOCKED)
    assert locked.remote_addr == "203.0.113.50"
    # The address throttle applies to that client, not to the proxy's other users.
    settings.AUTHSERVER = {**settings.AUTHSERVER, "LOGIN_MAX_FAILURES_PER_ADDRESS": 2}
    throttled = proxy.post(
        "/accounts/login/",
        {"username": "max", "password": "max-password-42"},
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert "from your network" in throttled.content.decode()
    other = HttpClient(REMOTE_ADDR="127.0.0.1")
    response = other.post(
        "/accounts/login/",
        {"username": "max", "password": "max-password-42"},
        HTTP_X_FORWARDED_FOR="203.0.113.51",
    )
    assert response.status_code == 302


def test_rate_limit_per_address_counts_the_forwarded_client(
    behind_proxy, settings, resource_server
):
    settings.AUTHSERVER = {
        **settings.AUTHSERVER,
        "RATE_LIMITS": {"introspect": {"address": 2, "client": 1000}},
    }
    proxy = HttpClient(REMOTE_ADDR="127.0.0.1")

    def introspect(client_ip: str) -> int:
        return proxy.post(
            "/oauth/introspect",
            {"token": "nope"},
            HTTP_AUTHORIZATION=resource_server.basic_auth(),
            HTTP_X_FORWARDED_FOR=client_ip,
        ).status_code

    assert [introspect("203.0.113.1") for _ in range(3)] == [200, 200, 429]
    # Another person behind the same proxy has a count of their own.
    assert introspect("203.0.113.2") == 200
