"""Database queries per request for each hot endpoint, measured in-process.

Run: .venv/bin/python bench/query_counts.py [--json]: on the database
DATABASE_URL names (migrated; make bench gives it a PostgreSQL database of
its own, so the counts are those of the stack it measures), else a
throw-away SQLite one, where a grant's writes are a statement per row.
Counts are what Django sends to the database for one request after a
warm-up request, writes included; keys and labels are those of
bench/scenarios.py. The remote-introspection rows run the resource API with
the remote backend whose HTTP call is answered by this process's own
/oauth/introspect: a cache hit counts the API's queries alone, a cache miss
counts the API's and the introspection endpoint's together.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.in_process import django_setup  # noqa: E402

django_setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
)

from bench.scenarios import LABELS  # noqa: E402
from resource_api.introspection import RemoteIntrospection  # noqa: E402
from tests.factories import (  # noqa: E402
    REDIRECT_URI,
    Pkce,
    authorize_params,
    authorize_url,
    issue_user_token,
    make_client,
    make_resource_server,
    make_user,
    obtain_code,
)


def captured(call: Callable[[], Any], status: int = 200) -> int:
    """Queries sent while ``call`` runs; its response must have ``status``."""
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == status, (response.status_code, response.content)
    return len(ctx.captured_queries)


def count(call: Callable[[], Any], status: int = 200) -> int:
    """Queries of the second of two calls (the first warms caches up)."""
    captured(call, status)
    return captured(call, status)


def counts() -> dict[str, int]:
    """Queries per request of each scenario of bench/scenarios.py we serve."""
    setup_test_environment()
    call_command("migrate", verbosity=0)
    user = make_user("bench")
    app = make_client(grants=["authorization_code", "client_credentials"])
    rs = make_resource_server()
    browser, api = HttpClient(), HttpClient()
    browser.force_login(user)
    basic = {"HTTP_AUTHORIZATION": app.basic_auth()}
    rows: dict[str, int] = {}

    rows["bare"] = count(lambda: api.get("/healthz"))
    rows["client_credentials"] = count(
        lambda: api.post(
            "/oauth/token",
            {"grant_type": "client_credentials", "scope": "profile"},
            **basic,
        )
    )

    def exchange() -> int:
        pkce = Pkce.new()
        code = obtain_code(browser, app, pkce)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": pkce.verifier,
        }
        return captured(lambda: api.post("/oauth/token", form, **basic))

    exchange()
    rows["code_exchange"] = exchange()

    def refresh() -> int:
        token = issue_user_token(browser, api, app, "profile")
        form = {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]}
        return captured(lambda: api.post("/oauth/token", form, **basic))

    refresh()
    rows["refresh"] = refresh()
    access = issue_user_token(browser, api, app, "profile documents:read")
    bearer = {"HTTP_AUTHORIZATION": "Bearer " + access["access_token"]}
    rows["introspection"] = count(
        lambda: api.post(
            "/oauth/introspect",
            {"token": access["access_token"]},
            HTTP_AUTHORIZATION=rs.basic_auth(),
        )
    )
    rows["me_local"] = count(lambda: api.get("/api/v1/me", **bearer))

    asked: list[str] = []

    def ask(self: RemoteIntrospection, token: str) -> dict[str, Any]:
        """The remote backend's HTTP call, answered by our own endpoint."""
        asked.append(token)
        form = {"token": token, "token_type_hint": "access_token"}
        auth = rs.basic_auth()
        return api.post("/oauth/introspect", form, HTTP_AUTHORIZATION=auth).json()

    remote = {**settings.RESOURCE_API, "INTROSPECTION_BACKEND": "remote"}
    with (
        override_settings(RESOURCE_API=remote),
        mock.patch.object(RemoteIntrospection, "_ask", ask),
    ):
        RemoteIntrospection.local_cache_clear()
        rows["me_remote_hit"] = count(lambda: api.get("/api/v1/me", **bearer))
        assert len(asked) == 1, "the second call must be a cache hit"

        def miss() -> int:
            fresh = issue_user_token(browser, api, app, "profile")["access_token"]
            auth = "Bearer " + fresh
            return captured(lambda: api.get("/api/v1/me", HTTP_AUTHORIZATION=auth))

        miss()
        rows["me_remote_miss"] = miss()
        assert len(asked) == 3, "each fresh token must be asked about"

    stranger = HttpClient()  # signed in, has approved nothing: the page shows
    stranger.force_login(make_user("consent"))
    rows["consent"] = count(
        lambda: stranger.get(authorize_url(authorize_params(app, Pkce.new())))
    )
    return rows


def main() -> None:
    """Print the counts, as a table or (``--json``) as one JSON object."""
    rows = counts()
    if "--json" in sys.argv[1:]:
        print(json.dumps(rows))
        return
    for key, queries in rows.items():
        print("%-40s %3d queries" % (LABELS[key], queries))


if __name__ == "__main__":
    main()
