"""Two server processes, one PostgreSQL, one Redis: any node serves any step.

Authorize and consent on the first node, redeem on the second, refresh on
the first, revoke on the second, and introspection on the first says
inactive at once. The session made on one node is honoured by the other,
and rate-limit counters are shared.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import pytest
import redis
import requests
from django.db import connection

from tests.factories import (
    REDIRECT_URI,
    Pkce,
    make_client,
    make_resource_server,
    make_user,
)
from tests.live_http import authorize_query, login_and_consent
from tests.servers import base_env, serve

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]
REDIS_URL = "redis://127.0.0.1:6379/3"


@pytest.fixture
def shared_env():
    if connection.vendor != "postgresql":
        pytest.skip("scale-out runs against PostgreSQL (make test-postgres)")
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail("Redis is needed at 127.0.0.1:6379")
        pytest.skip("no Redis at 127.0.0.1:6379")
    db = connection.settings_dict
    return base_env(
        DATABASE_URL="postgres://%s@%s:%s/%s"
        % (db["USER"], db["HOST"], db["PORT"], db["NAME"]),
        REDIS_URL=REDIS_URL,
        AUTHSERVER_RATE_LIMIT_PER_CLIENT="40",
    )


def test_any_node_serves_any_step(shared_env):
    make_user("lee", "lee-password-42")
    app = make_client(name="Scale App")
    rs = make_resource_server()
    auth = (app.client_id, app.secret)
    with (
        serve(shared_env, workers=1) as first,
        serve(shared_env, workers=1) as second,
    ):
        pkce = Pkce.new()
        query = authorize_query(
            app.client_id, REDIRECT_URI, pkce.challenge, "profile", "s"
        )
        browser = requests.Session()
        callback = login_and_consent(
            first,
            first + "/oauth/authorize?" + query,
            "lee",
            "lee-password-42",
            session=browser,
        )
        code = parse_qs(urlsplit(callback).query)["code"][0]

        # The session made on the first node is honoured by the second.
        again = browser.get(
            second + "/oauth/authorize?" + query.replace("state=s", "state=t"),
            allow_redirects=False,
            timeout=10,
        )
        assert again.status_code == 302
        assert "/accounts/login/" not in again.headers["Location"]

        tokens = requests.post(
            second + "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT_URI,
                "code_verifier": pkce.verifier,
            },
            auth=auth,
            timeout=10,
        )
        assert tokens.status_code == 200, tokens.text
        refreshed = requests.post(
            first + "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": tokens.json()["refresh_token"],
            },
            auth=auth,
            timeout=10,
        )
        assert refreshed.status_code == 200, refreshed.text
        access = refreshed.json()["access_token"]

        def introspect(node):
            return requests.post(
                node + "/oauth/introspect",
                data={"token": access},
                auth=(rs.client_id, rs.secret),
                timeout=10,
            ).json()

        assert introspect(first)["active"] is True
        revoked = requests.post(
            second + "/oauth/revoke",
            data={"token": refreshed.json()["refresh_token"]},
            auth=auth,
            timeout=10,
        )
        assert revoked.status_code == 200
        assert introspect(first) == {"active": False}

        # Rate-limit counters live in Redis: both nodes count against one limit.
        statuses = [
            requests.post(
                node + "/oauth/introspect",
                data={"token": "x"},
                auth=(app.client_id, app.secret),
                timeout=10,
            ).status_code
            for node in [first, second] * 25
        ]
        assert 429 in statuses
        assert statuses.index(429) >= 40 - 4  # the shared limit, not 2 x 40
