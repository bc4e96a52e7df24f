"""CPU time per request of the token endpoint, in-process, beside a bare view.

Run: DATABASE_URL=postgres://... .venv/bin/python bench/token_cpu.py [N]
(the database is flushed and migrated; SQLite when DATABASE_URL is unset).

Each request goes through Django's WSGI handler called directly, with the
production middleware, so what is measured is this process's work for one
request: ``time.process_time`` around each call, the database's own time
not included (it is another process). Codes are minted beforehand through
the authorization endpoint and refresh tokens are chained, so every
measured request redeems a fresh one. Reported: median microseconds per
request over N requests, and each operation's ratio to the bare view (the
bare view's time divided by the operation's: the share of the bare view's
throughput a CPU-bound server would reach), as the median of ten rounds
that each time the bare view right before the operation, so a busy
machine moves both sides of a ratio alike.

``--profile OPERATION`` prints the top of a cProfile of that operation.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.in_process import django_setup  # noqa: E402

django_setup(
    # Limits far away, as in make bench: counted in-process, never reached.
    AUTHSERVER_RATE_LIMIT_PER_ADDRESS="1000000000",
    AUTHSERVER_RATE_LIMIT_PER_CLIENT="1000000000",
)

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_test_environment,
    teardown_test_environment,
)

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

Request = tuple[str, str, dict[str, str], dict[str, str]]


def environ(
    method: str, path: str, form: dict[str, str], headers: dict[str, str]
) -> dict[str, Any]:
    body = urlencode(form).encode()
    path, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        **headers,
    }
    return env


class Server:
    """Django's WSGI application, called as a WSGI server would."""

    def __init__(self) -> None:
        self.app = WSGIHandler()

    def call(self, request: Request) -> tuple[int, bytes]:
        status: list[str] = []

        def start_response(line: str, headers: Any, exc_info: Any = None) -> None:
            status.append(line)

        result = self.app(environ(*request), start_response)
        body = b"".join(result)
        result.close()
        return int(status[0].split()[0]), body


class Source:
    """The next request of one operation; ``answered`` sees each response
    (a refresh chain presents the refresh token the last response carried)."""

    def __init__(self, requests: Iterator[Request], chained: bool = False) -> None:
        self.requests = requests
        self.chained = chained
        self.last: Request | None = None

    def next(self) -> Request:
        if self.chained and self.last is not None:
            return self.last
        return next(self.requests)

    def answered(self, request: Request, body: bytes) -> None:
        if self.chained:
            form = {**request[2], "refresh_token": _json(body)["refresh_token"]}
            self.last = (request[0], request[1], form, request[3])


def timed(server: Server, source: Source, n: int) -> list[float]:
    """CPU microseconds of each of ``n`` requests (all must answer 200)."""
    out = []
    for _ in range(n):
        request = source.next()
        start = time.process_time()
        status, body = server.call(request)
        out.append((time.process_time() - start) * 1e6)
        assert status == 200, (status, body[:300])
        source.answered(request, body)
    return out


@contextmanager
def answering_consent() -> Iterator[None]:
    """Django's test environment, whose rendered pages keep their context
    (the factories answer the consent page with it), only while codes are
    minted: the measured requests render templates as production does."""
    setup_test_environment()
    try:
        yield
    finally:
        teardown_test_environment()


def scenarios(n: int) -> dict[str, Callable[[], Source]]:
    call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", verbosity=0)
    user = make_user("bench")
    app = make_client(grants=["authorization_code", "client_credentials"])
    browser = HttpClient()
    browser.force_login(user)
    basic = {"HTTP_AUTHORIZATION": app.basic_auth()}
    server = Server()

    def repeat(request: Request) -> Iterator[Request]:
        while True:
            yield request

    def exchange_forms(count: int) -> list[dict[str, str]]:
        with answering_consent():
            return [exchange_form() for _ in range(count)]

    def exchange_form() -> dict[str, str]:
        pkce = Pkce.new()
        return {
            "grant_type": "authorization_code",
            "code": obtain_code(browser, app, pkce),
            "redirect_uri": REDIRECT_URI,
            "code_verifier": pkce.verifier,
        }

    def codes() -> Iterator[Request]:
        while True:
            for form in exchange_forms(n):
                yield ("POST", "/oauth/token", form, basic)

    def refresh() -> Source:
        form = exchange_forms(1)[0]
        _status, body = server.call(("POST", "/oauth/token", form, basic))
        first = {"grant_type": "refresh_token", "refresh_token": "-"}
        source = Source(repeat(("POST", "/oauth/token", first, basic)), chained=True)
        source.last = (
            "POST",
            "/oauth/token",
            {**first, "refresh_token": _json(body)["refresh_token"]},
            basic,
        )
        return source

    cc = {"grant_type": "client_credentials", "scope": "profile"}
    with answering_consent():
        token = issue_user_token(browser, HttpClient(), app, "profile")
    token = token["access_token"]
    rs = make_resource_server()
    introspect = (
        "POST",
        "/oauth/introspect",
        {"token": token},
        {"HTTP_AUTHORIZATION": rs.basic_auth()},
    )
    me = ("GET", "/api/v1/me", {}, {"HTTP_AUTHORIZATION": "Bearer " + token})
    # A client the person has not approved yet: the page, not a redirect.
    other = make_client(name="Other App")
    page = authorize_url(authorize_params(other, Pkce.new()))
    cookie = {"HTTP_COOKIE": "sessionid=" + browser.cookies["sessionid"].value}
    consent = ("GET", page, {}, cookie)
    return {
        "bare": lambda: Source(repeat(("GET", "/healthz", {}, {}))),
        "client_credentials": lambda: Source(
            repeat(("POST", "/oauth/token", cc, basic))
        ),
        "code_exchange": lambda: Source(codes()),
        "refresh": refresh,
        "introspection": lambda: Source(repeat(introspect)),
        "me_local": lambda: Source(repeat(me)),
        "consent": lambda: Source(repeat(consent)),
    }


def _json(body: bytes) -> dict[str, Any]:
    import json

    return json.loads(body)


ROUNDS = 10


def measure(n: int, profile: str | None) -> dict[str, tuple[float, float]]:
    """Per operation: median microseconds, and the median over ``ROUNDS`` of
    the ratio bare / operation, each round timing the bare view right before
    the operation (the machine's load changes from minute to minute)."""
    made = scenarios(n)
    server = Server()
    bare = made["bare"]()
    timed(server, bare, 50)  # warm-up
    results: dict[str, tuple[float, float]] = {}
    per_round = max(10, n // ROUNDS)
    for name, make in made.items():
        source = make()
        timed(server, source, 20)  # warm-up
        samples, ratios = [], []
        for _ in range(ROUNDS):
            base = statistics.median(timed(server, bare, per_round))
            these = timed(server, source, per_round)
            samples.extend(these)
            ratios.append(base / statistics.median(these))
        results[name] = (statistics.median(samples), statistics.median(ratios))
        if profile == name:
            _profile(server, source, n)
    return results


def _profile(server: Server, source: Source, n: int) -> None:
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    timed(server, source, n)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
    callees = os.environ.get("PROFILE_CALLEES")
    if callees:
        stats.print_callees(callees)
    else:
        stats.print_stats(45)


def main() -> None:
    args = sys.argv[1:]
    profile = None
    if "--profile" in args:
        at = args.index("--profile")
        profile = args[at + 1]
        del args[at : at + 2]
    n = int(args[0]) if args else 300
    results = measure(n, profile)
    print("%-22s %9s %9s" % ("operation", "us/req", "x bare"))
    for name, (micro, ratio) in results.items():
        print("%-22s %9.0f %9.2f" % (name, micro, ratio))


if __name__ == "__main__":
    main()
