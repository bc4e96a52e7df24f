"""The production configuration on the wire: the production stack
(deploy/serve: its proxy in front of a 2-worker application server) with
DJANGO_SECURE on (behind a TLS balancer that sets X-Forwarded-Proto) and the
shared Redis cache.

Asserted: plain HTTP is redirected to https; HSTS, CSP, X-Frame-Options on
pages; the CSRF and session cookies are Secure, HttpOnly and SameSite=Lax;
sign-in lockout counters are shared by the workers (Redis), so five failures
lock the account whichever worker answered them; the application sees the
client's own address through the proxy (the /metrics allow-list, open to
127.0.0.2 only, lets 127.0.0.2 in and not 127.0.0.3, with or without a
made-up X-Forwarded-For).
"""

from __future__ import annotations

import http.client
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
import requests

from tests.servers import ROOT, base_env, serve

pytestmark = pytest.mark.live

# eng_e's Redis database: nobody else's keys are touched.
REDIS_URL = "redis://127.0.0.1:6379/5"
PASSWORD = "production-password-42"


@pytest.fixture(scope="module")
def production_server():
    try:
        store = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        store.ping()
    except redis.RedisError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    store.flushdb()
    with tempfile.TemporaryDirectory(prefix="authserver-prod-") as folder:
        env = base_env(
            DATABASE_URL="sqlite:///" + str(Path(folder) / "db.sqlite3"),
            REDIS_URL=REDIS_URL,
            DJANGO_SECURE="1",
            DJANGO_TRUST_X_FORWARDED_PROTO="1",
            DJANGO_DEBUG="0",
            AUTHSERVER_ISSUER="https://127.0.0.1",
            DJANGO_SUPERUSER_PASSWORD=PASSWORD,
            METRICS_ALLOWED_NETWORKS="127.0.0.2/32",
        )
        for args in (
            ["migrate", "--noinput"],
            [
                "createsuperuser",
                "--noinput",
                "--username",
                "ops",
                "--email",
                "ops@example.com",
            ],
            [
                "createsuperuser",
                "--noinput",
                "--username",
                "lee",
                "--email",
                "lee@example.com",
            ],
        ):
            subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        with serve(env, workers=2) as base:
            yield base
    store.flushdb()


def https_session(base: str) -> requests.Session:
    session = requests.Session()
    session.headers.update(
        {"X-Forwarded-Proto": "https", "Origin": base.replace("http:", "https:")}
    )
    return session


def login(session: requests.Session, base: str, username: str, password: str):
    page = session.get(base + "/accounts/login/", timeout=10)
    csrf = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    return session.post(
        base + "/accounts/login/",
        data={
            "csrfmiddlewaretoken": csrf,
            "username": username,
            "password": password,
        },
        headers={
            "Referer": base.replace("http:", "https:") + "/accounts/login/",
            # The cookie is Secure, so requests keeps it off this loopback
            # http:// hop; the TLS proxy in front would carry it.
            "Cookie": "csrftoken=" + page.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )


def test_plain_http_is_redirected_to_https(production_server):
    response = requests.get(
        production_server + "/accounts/login/", allow_redirects=False, timeout=10
    )
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")


def test_pages_carry_hsts_and_framing_headers(production_server):
    page = https_session(production_server).get(
        production_server + "/accounts/login/", timeout=10
    )
    assert page.status_code == 200
    hsts = page.headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def cookie_attributes(response: requests.Response, name: str) -> set[str]:
    raw = response.raw.headers.getlist("Set-Cookie")
    line = next(value for value in raw if value.startswith(name + "="))
    return {part.strip().lower() for part in line.split(";")[1:]}


def test_csrf_and_session_cookies_are_secure_httponly_samesite(production_server):
    session = https_session(production_server)
    page = session.get(production_server + "/accounts/login/", timeout=10)
    assert {"secure", "httponly", "samesite=lax"} <= cookie_attributes(
        page, "csrftoken"
    )
    signed_in = login(session, production_server, "ops", PASSWORD)
    assert signed_in.status_code == 302, signed_in.text[:300]
    assert {"secure", "httponly", "samesite=lax"} <= cookie_attributes(
        signed_in, "sessionid"
    )


def test_lockout_counters_are_shared_by_every_worker(production_server):
    for _ in range(5):
        # A fresh connection each time: the server hands it to any worker.
        failed = login(https_session(production_server), production_server, "lee", "x")
        assert failed.status_code == 200
    locked = login(https_session(production_server), production_server, "lee", PASSWORD)
    assert locked.status_code == 200
    assert "Too many failed sign-in attempts" in locked.text


def metrics_status(base: str, source: str, forwarded: str | None = None) -> int:
    """GET /metrics over a connection from loopback address ``source``."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1",
        parts.port,
        timeout=10,
        source_address=(source, 0),
    )
    headers = {"X-Forwarded-Proto": "https"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    try:
        conn.request("GET", "/metrics", headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


def test_the_application_sees_the_client_address_through_the_proxy(
    production_server,
):
    # Every request reaches the application from the proxy (127.0.0.1); the
    # proxy appends its own peer to X-Forwarded-For, and deploy/serve trusts
    # the proxy, so the application sees the real client, never a made-up one.
    assert metrics_status(production_server, "127.0.0.2") == 200
    assert metrics_status(production_server, "127.0.0.3") == 404
    assert metrics_status(production_server, "127.0.0.3", forwarded="127.0.0.2") == 404
