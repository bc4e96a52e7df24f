"""Which requests each scenario sends, and to which server.

Ours (scenarios 1 to 6 and 9), the remote-introspection API server
(7 and 8: a second ``deploy/app-server`` whose API asks ours over HTTP), and
the peers' client_credentials and introspection (10). Every request is
checked by its run's non-2xx count; the consent page is also checked once
before its run, since a redirect to the login page would be a 302.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench import stack, wrk
from bench.measure import Bench
from bench.peers import Peer, basic, node_oidc
from bench.peers.stock_dot import peer as stock_dot

FORM = "application/x-www-form-urlencoded"
STOCK_DOT_APP = "bench.peers.stock_dot.wsgi:application"


# What both peers' ``start`` return: URLs, Basic headers, a live token.


def post(base_url: str, path: str, authorization: str, body: str) -> wrk.Request:
    """A form POST with an Authorization header."""
    headers = {"Authorization": authorization, "Content-Type": FORM}
    return wrk.Request(base_url, path, "POST", headers, body)


def bearer_get(base_url: str, path: str, token: str) -> wrk.Request:
    """A GET with a bearer token (``{0}``: the item's token)."""
    return wrk.Request(base_url, path, headers={"Authorization": "Bearer " + token})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Makes a redirect an HTTPError instead of following it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def consent_request(base_url: str, data: dict[str, Any], work: Path) -> wrk.Request:
    """The consent-page GET for a signed-in user (``{0}``: a session key).

    Checked once first: it must be the 200 HTML consent form, not a redirect
    to the login page. Raises RuntimeError otherwise.
    """
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": data["app"]["client_id"],
            "redirect_uri": data["redirect_uri"],
            "scope": data["scope"],
            "state": "bench-state",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        }
    )
    request = wrk.Request(
        base_url,
        "/oauth/authorize?" + query,
        headers={"Cookie": "%s={0}" % data["session_cookie"]},
    )
    session = (work / "sessions.txt").read_text().split()[0]
    check = urllib.request.Request(
        base_url + request.path,
        headers={"Cookie": "%s=%s" % (data["session_cookie"], session)},
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(check, timeout=10) as page:
            status, kind, body = page.status, page.headers["Content-Type"], page.read()
    except urllib.error.HTTPError as error:
        raise RuntimeError("consent page answered %d" % error.code) from None
    if status != 200 or "text/html" not in kind or b'name="request_id"' not in body:
        raise RuntimeError("not the consent form: %d %s" % (status, kind))
    return request


def run_ours(bench: Bench, server: stack.Server, data: dict[str, Any]) -> None:
    """Scenarios 1 to 6 and 9 against our server."""
    base = server.base_url
    app = basic(data["app"]["client_id"], data["app"]["client_secret"])
    rs = basic(data["rs"]["client_id"], data["rs"]["client_secret"])
    redirect = urllib.parse.quote(data["redirect_uri"], safe="")
    bench.measure("bare", server, wrk.Request(base, "/healthz"))
    bench.measure(
        "client_credentials",
        server,
        post(base, "/oauth/token", app, "grant_type=client_credentials&scope=profile"),
    )
    bench.measure(
        "code_exchange",
        server,
        post(
            base,
            "/oauth/token",
            app,
            "grant_type=authorization_code&code={0}&redirect_uri=%s"
            "&code_verifier={1}" % redirect,
        ),
        bench.items("codes"),
    )
    bench.measure(
        "refresh",
        server,
        post(base, "/oauth/token", app, "grant_type=refresh_token&refresh_token={0}"),
        bench.items("refresh"),
    )
    bench.measure(
        "introspection",
        server,
        post(base, "/oauth/introspect", rs, "token=" + data["token"]),
    )
    bench.measure("me_local", server, bearer_get(base, "/api/v1/me", data["token"]))
    try:
        consent = consent_request(base, data, bench.work)
    except RuntimeError as error:
        bench.unmeasured(["consent"], error)
    else:
        sessions = bench.work / "sessions.txt"
        bench.measure("consent", server, consent, wrk.Items(sessions, sessions, False))


def run_remote(
    bench: Bench, cleanup: ExitStack, server: stack.Server, data: dict[str, Any]
) -> list[str]:
    """Scenarios 7 and 8: a second server whose API introspects remotely at
    ours; return its command line."""
    keys = ["me_remote_hit", "me_remote_miss"]
    env = stack.app_env(
        bench.config,
        bench.config.port + 1,
        RESOURCE_API_INTROSPECTION="remote",
        RESOURCE_API_INTROSPECTION_URL=server.base_url + "/oauth/introspect",
        RESOURCE_API_CLIENT_ID=data["rs"]["client_id"],
        RESOURCE_API_CLIENT_SECRET=data["rs"]["client_secret"],
    )
    try:
        api = stack.keep(cleanup, lambda: stack.serve("authserver API (remote)", env))
    except Exception as error:  # noqa: BLE001 - recorded in the rows
        bench.unmeasured(keys, error)
        return []
    base = api.base_url
    bench.measure(keys[0], api, bearer_get(base, "/api/v1/me", data["token"]))
    bench.measure(
        keys[1], api, bearer_get(base, "/api/v1/me", "{0}"), bench.items("tokens")
    )
    argv = api.argv()
    api.stop()
    return argv


def run_peer(bench: Bench, prefix: str, peer: Peer, settle: bool) -> None:
    """The peers' client_credentials and introspection."""
    bench.measure(
        prefix + "_client_credentials",
        peer,
        post(
            peer.base_url, peer.token_path, peer.app_basic, peer.client_credentials_body
        ),
        settle=settle,
    )
    bench.measure(
        prefix + "_introspection",
        peer,
        post(peer.base_url, peer.introspect_path, peer.rs_basic, "token=" + peer.token),
        settle=settle,
    )


def run_peers(bench: Bench, cleanup: ExitStack, ours: list[str]) -> None:
    """Scenario 10: node-oidc-provider (one process), then stock DOT under
    our granian command line (same workers and options) with its own
    database; each started, measured and stopped in turn. Stock DOT does
    about 10 requests a second, so its runs wait for its workers to be idle.
    """
    port = bench.config.port
    dot_port = port + 3
    starters: list[tuple[str, Callable[[], Peer], bool]] = [
        ("node", lambda: node_oidc.start(port + 2), False),
        (
            "dot",
            lambda: stock_dot.start(
                dot_port,
                stack.peer_argv(ours, dot_port, STOCK_DOT_APP),
                bench.config.peer_database_url("bench_stock_dot"),
            ),
            True,
        ),
    ]
    for prefix, start, settle in starters:
        try:
            peer = stack.keep(cleanup, start)
        except Exception as error:  # noqa: BLE001 - recorded in the rows
            keys = [prefix + "_client_credentials", prefix + "_introspection"]
            bench.unmeasured(keys, error)
            continue
        run_peer(bench, prefix, peer, settle)
        peer.stop()


def run_gunicorn(
    bench: Bench, cleanup: ExitStack, server: stack.Server, data: dict[str, Any]
) -> list[str]:
    """The server comparison: the bare view, client_credentials and
    introspection under gunicorn's sync workers, same app, settings and
    database; return its command line. deploy/app-server is what measured
    faster."""
    keys = ["gunicorn_bare", "gunicorn_client_credentials", "gunicorn_introspection"]
    env = stack.app_env(bench.config, bench.config.port + 4)
    try:
        other = stack.keep(
            cleanup,
            lambda: stack.serve("gunicorn (sync)", env, stack.gunicorn_argv(env)),
        )
    except Exception as error:  # noqa: BLE001 - recorded in the rows
        bench.unmeasured(keys, error)
        return []
    base = other.base_url
    app = basic(data["app"]["client_id"], data["app"]["client_secret"])
    rs = basic(data["rs"]["client_id"], data["rs"]["client_secret"])
    bench.measure(keys[0], other, wrk.Request(base, "/healthz"))
    bench.measure(
        keys[1],
        other,
        post(base, "/oauth/token", app, "grant_type=client_credentials&scope=profile"),
    )
    bench.measure(
        keys[2], other, post(base, "/oauth/introspect", rs, "token=" + data["token"])
    )
    argv = other.argv()
    other.stop()
    return argv
