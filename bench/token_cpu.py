"""CPU time per request of the token endpoint, in-process, beside a bare view.

Run: DATABASE_URL=postgres://... .venv/bin/python bench/token_cpu.py [N]
(the database is flushed and migrated; SQLite when DATABASE_URL is unset).

Each request goes through Django's WSGI handler called directly, with the
production middleware, so what is measured is this process's work for one
request: ``time.process_time`` around each call, the database's own time
not included (it is another process). Codes are minted beforehand through
the authorization endpoint and refresh tokens are chained, so every
measured request redeems a fresh one. Reported: median microseconds per
request over N requests, and each operation's ratio to the bare view
(the bare view's time divided by the operation's: the share of the bare
view's throughput a CPU-bound server would reach).

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
from django.test.utils import setup_test_environment  # noqa: E402

from tests.factories import (  # noqa: E402
    REDIRECT_URI,
    Pkce,
    make_client,
    make_user,
    obtain_code,
)

Request = tuple[str, str, dict[str, str], dict[str, str]]


def environ(
    method: str, path: str, form: dict[str, str], headers: dict[str, str]
) -> dict[str, Any]:
    body = urlencode(form).encode()
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
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


def timed(server: Server, requests: Iterator[Request], n: int) -> list[float]:
    """CPU microseconds of each of ``n`` requests (all must answer 200)."""
    out = []
    for _ in range(n):
        request = next(requests)
        start = time.process_time()
        status, body = server.call(request)
        out.append((time.process_time() - start) * 1e6)
        assert status == 200, (status, body[:300])
    return out


def scenarios(n: int) -> dict[str, Callable[[], Iterator[Request]]]:
    setup_test_environment()  # the consent page's context, to answer it
    call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", verbosity=0)
    user = make_user("bench")
    app = make_client(grants=["authorization_code", "client_credentials"])
    browser = HttpClient()
    browser.force_login(user)
    basic = {"HTTP_AUTHORIZATION": app.basic_auth()}
    server = Server()

    def bare() -> Iterator[Request]:
        while True:
            yield ("GET", "/healthz", {}, {})

    def client_credentials() -> Iterator[Request]:
        form = {"grant_type": "client_credentials", "scope": "profile"}
        while True:
            yield ("POST", "/oauth/token", form, basic)

    def exchange_forms(count: int) -> list[dict[str, str]]:
        forms = []
        for _ in range(count):
            pkce = Pkce.new()
            forms.append(
                {
                    "grant_type": "authorization_code",
                    "code": obtain_code(browser, app, pkce),
                    "redirect_uri": REDIRECT_URI,
                    "code_verifier": pkce.verifier,
                }
            )
        return forms

    def code_exchange() -> Iterator[Request]:
        while True:
            for form in exchange_forms(n):
                yield ("POST", "/oauth/token", form, basic)

    def refresh() -> Iterator[Request]:
        """The first refresh of a chain (see _refresh_samples)."""
        form = exchange_forms(1)[0]
        _status, body = server.call(("POST", "/oauth/token", form, basic))
        token = _json(body)["refresh_token"]
        yield (
            "POST",
            "/oauth/token",
            {"grant_type": "refresh_token", "refresh_token": token},
            basic,
        )

    return {
        "bare": bare,
        "client_credentials": client_credentials,
        "code_exchange": code_exchange,
        "refresh": refresh,
    }


def _json(body: bytes) -> dict[str, Any]:
    import json

    return json.loads(body)


def measure(n: int, profile: str | None) -> dict[str, float]:
    made = scenarios(n)
    server = Server()
    results: dict[str, float] = {}
    for name, make in made.items():
        if name == "refresh":
            samples = _refresh_samples(server, make, n)
        else:
            requests = make()
            timed(server, requests, max(20, n // 10))  # warm-up
            samples = timed(server, requests, n)
        results[name] = statistics.median(samples)
        if profile == name:
            _profile(server, make, n)
    return results


def _refresh_samples(server: Server, make: Callable, n: int) -> list[float]:
    """Refresh requests chained: each presents the token the previous one got."""
    gen = make()
    request = next(gen)
    samples = []
    for i in range(n + max(20, n // 10)):
        start = time.process_time()
        status, body = server.call(request)
        spent = (time.process_time() - start) * 1e6
        assert status == 200, body[:300]
        if i >= max(20, n // 10):
            samples.append(spent)
        form = {**request[2], "refresh_token": _json(body)["refresh_token"]}
        request = (request[0], request[1], form, request[3])
    return samples


def _profile(server: Server, make: Callable, n: int) -> None:
    profiler = cProfile.Profile(time.process_time)
    if make.__name__ == "refresh":
        profiler.enable()
        _refresh_samples(server, make, n)
        profiler.disable()
    else:
        requests = make()
        profiler.enable()
        timed(server, requests, n)
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(45)


def main() -> None:
    args = sys.argv[1:]
    profile = None
    if "--profile" in args:
        at = args.index("--profile")
        profile = args[at + 1]
        del args[at : at + 2]
    n = int(args[0]) if args else 300
    results = measure(n, profile)
    bare = results["bare"]
    print("%-22s %9s %9s" % ("operation", "us/req", "x bare"))
    for name, micro in results.items():
        print("%-22s %9.0f %9.2f" % (name, micro, bare / micro))


if __name__ == "__main__":
    main()
