"""Which requests each scenario sends, and to which server.

Ours (scenarios 1 to 6 and 9), the remote-introspection API server
(7 and 8: a second ``deploy/app-server`` whose API asks ours over HTTP), and
the peers' client_credentials and introspection (10): node-oidc-provider
in memory and with Redis storage, django-oauth-toolkit stock and
configured for speed. Every request is
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
from bench.scenarios import LABELS

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
    """Our consent-page GET for a signed-in user (``{0}``: a session key),
    checked once first (``checked_page``)."""
    return checked_page(
        base_url,
        "/oauth/authorize?"
        + authorize_query(
            data["app"]["client_id"], data["redirect_uri"], data["scope"]
        ),
        data["session_cookie"],
        work / "sessions.txt",
        b'name="request_id"',
    )


def authorize_query(client_id: str, redirect_uri: str, scope: str) -> str:
    """An RFC 6749 §4.1.1 request with PKCE (RFC 7636 §4.3)."""
    return urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": "bench-state",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        }
    )


def checked_page(
    base_url: str, path: str, cookie: str, sessions: Path, marker: bytes
) -> wrk.Request:
    """A GET of ``path`` for a signed-in user (``{0}``: a session key).

    Checked once first with the first key of ``sessions``: it must be a 200
    HTML page holding ``marker`` (the consent form), not a redirect to the
    login page. Raises RuntimeError otherwise.
    """
    request = wrk.Request(base_url, path, headers={"Cookie": "%s={0}" % cookie})
    session = sessions.read_text().split()[0]
    check = urllib.request.Request(
        base_url + request.path, headers={"Cookie": "%s=%s" % (cookie, session)}
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(check, timeout=10) as page:
            status, kind, body = page.status, page.headers["Content-Type"], page.read()
    except urllib.error.HTTPError as error:
        raise RuntimeError("consent page answered %d" % error.code) from None
    if status != 200 or "text/html" not in kind or marker not in body:
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
    if not bench.config.selected(*keys):
        return []
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
    """The peers' client_credentials and introspection; code exchange and
    refresh too for a peer that minted codes and refresh tokens."""
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
    if peer.items_dir is None:
        return
    redirect = urllib.parse.quote(peer.redirect_uri, safe="")

    def items(kind: str) -> wrk.Items:
        assert peer.items_dir is not None
        folder = peer.items_dir
        return wrk.Items(
            folder / ("%s-warmup.txt" % kind), folder / ("%s-run.txt" % kind)
        )

    bench.measure(
        prefix + "_code_exchange",
        peer,
        post(
            peer.base_url,
            peer.token_path,
            peer.web_basic,
            "grant_type=authorization_code&code={0}&redirect_uri=%s"
            "&code_verifier={1}" % redirect,
        ),
        items("codes"),
        settle=settle,
    )
    bench.measure(
        prefix + "_refresh",
        peer,
        post(
            peer.base_url,
            peer.token_path,
            peer.web_basic,
            "grant_type=refresh_token&refresh_token={0}",
        ),
        items("refresh"),
        settle=settle,
    )
    sessions = peer.items_dir / "sessions.txt"
    try:
        page = checked_page(
            peer.base_url,
            "/o/authorize/?" + authorize_query("bench-web", peer.redirect_uri, "read"),
            "sessionid",
            sessions,
            b'name="allow"',
        )
    except RuntimeError as error:
        bench.unmeasured([prefix + "_consent"], error)
        return
    bench.measure(
        prefix + "_consent",
        peer,
        page,
        wrk.Items(sessions, sessions, False),
        settle=settle,
    )


def _node_with_redis(config: stack.Config, port: int) -> Peer:
    """node-oidc-provider on its own, freshly flushed, Redis db."""
    stack.reset_cache(config.peer_redis_url)
    return node_oidc.start(port, config.peer_redis_url)


def run_peers(bench: Bench, cleanup: ExitStack, ours: list[str]) -> None:
    """Scenario 10: node-oidc-provider (one process) in memory and with Redis
    storage, then django-oauth-toolkit stock and configured for speed, each
    under our granian command line (same workers and options) with its own
    database on the same PostgreSQL server; each started, measured and
    stopped in turn. Stock DOT does about 10 requests a second, so its runs
    wait for its workers to be idle.
    """
    config = bench.config
    port = config.port

    def dot(variant: tuple[str, str], at: int, database: str) -> Peer:
        return stock_dot.start(
            at,
            stack.peer_argv(ours, at, STOCK_DOT_APP),
            config.own_database_url(database),
            variant,
        )

    def fast_dot() -> Peer:
        # A quarter of our single-use items: enough up to 1,000 req/s.
        folder = bench.work / "fastdot"
        folder.mkdir(exist_ok=True)
        items = (
            folder,
            config.mint_count(config.warmup) // 4,
            config.mint_count(config.duration) // 4,
        )
        return stock_dot.start(
            port + 6,
            stack.peer_argv(ours, port + 6, STOCK_DOT_APP),
            config.own_database_url("fast_dot"),
            stock_dot.FAST,
            items,
        )

    starters: list[tuple[str, Callable[[], Peer], bool]] = [
        ("node", lambda: node_oidc.start(port + 2), False),
        ("noderedis", lambda: _node_with_redis(config, port + 5), False),
        ("dot", lambda: dot(stock_dot.STOCK, port + 3, "stock_dot"), True),
        ("fastdot", fast_dot, False),
    ]
    for prefix, start, settle in starters:
        keys = [key for key in LABELS if key.startswith(prefix + "_")]
        if not config.selected(*keys):
            continue
        try:
            peer = stack.keep(cleanup, start)
        except Exception as error:  # noqa: BLE001 - recorded in the rows
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
    if not bench.config.selected(*keys):
        return []
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
