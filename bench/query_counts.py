"""Database queries per request for each hot endpoint, measured in-process.

Run: .venv/bin/python bench/query_counts.py   (a throw-away SQLite database)
Counts are what Django sends to the database for one request after a warm-up
request, writes included.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "authserver.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("AUTHSERVER_ISSUER", "http://testserver")
os.environ.setdefault("DJANGO_SECURE", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DATABASE_URL", "sqlite:///%s/bench.sqlite3" % tempfile.mkdtemp())

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from tests.factories import (  # noqa: E402
    REDIRECT_URI,
    Pkce,
    issue_user_token,
    make_client,
    make_resource_server,
    make_user,
    obtain_code,
)


def count(call) -> int:
    call()  # warm-up: caches, connection
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    user = make_user("bench")
    app = make_client(grants=["authorization_code", "client_credentials"])
    rs = make_resource_server()
    browser, api = HttpClient(), HttpClient()
    browser.force_login(user)
    basic = {"HTTP_AUTHORIZATION": app.basic_auth()}
    rows = {}

    rows["client_credentials"] = count(
        lambda: api.post(
            "/oauth/token",
            {"grant_type": "client_credentials", "scope": "profile"},
            **basic,
        )
    )

    def exchange():
        pkce = Pkce.new()
        code = obtain_code(browser, app, pkce)
        with CaptureQueriesContext(connection) as ctx:
            response = api.post(
                "/oauth/token",
                {
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": REDIRECT_URI,
                    "code_verifier": pkce.verifier,
                },
                **basic,
            )
        assert response.status_code == 200
        return len(ctx.captured_queries)

    exchange()
    rows["authorization_code exchange"] = exchange()

    def refresh():
        token = issue_user_token(browser, api, app, "profile")
        with CaptureQueriesContext(connection) as ctx:
            api.post(
                "/oauth/token",
                {
                    "grant_type": "refresh_token",
                    "refresh_token": token["refresh_token"],
                },
                **basic,
            )
        return len(ctx.captured_queries)

    refresh()
    rows["refresh"] = refresh()
    access = issue_user_token(browser, api, app, "profile documents:read")[
        "access_token"
    ]
    rows["introspection"] = count(
        lambda: api.post(
            "/oauth/introspect", {"token": access}, HTTP_AUTHORIZATION=rs.basic_auth()
        )
    )
    rows["GET /api/v1/me (local introspection)"] = count(
        lambda: api.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer " + access)
    )
    for name, queries in rows.items():
        print("%-40s %3d queries" % (name, queries))


if __name__ == "__main__":
    main()
