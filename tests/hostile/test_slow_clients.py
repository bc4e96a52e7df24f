"""Slow clients against the production stack that `make serve` starts
(deploy/serve: the buffering proxy in front of granian), on loopback.

Asserted: with 500 connections trickling a request body (Content-Length
100000, a byte a second) and 500 trickling request headers (a header line a
second) open at once, another client's `GET /healthz`, `POST /oauth/token`
and `POST /oauth/introspect` each answer within 1 s (a per-request timeout
that raises), again and again for 30 s; a body that stalls is dropped after
the proxy's body timeout (set to 5 s here); a stalled header likewise; a
normal token request still reaches the application, and a body over the
limit is refused by the proxy with 413.

Bounded: 1,000 attacking sockets (the process's open-file limit is raised
to its hard limit), 30 s of probing; every socket is closed and the stack
stopped at the end, whatever the outcome.
"""

from __future__ import annotations

import resource
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import requests
from django.db import connection

from tests.factories import RegisteredClient, make_client, make_resource_server
from tests.servers import base_env, serve

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]

SLOW_BODIES = 500
SLOW_HEADERS = 500
PROBE_FOR_S = 30
PROBE_PAUSE_S = 0.25
TRICKLE_EVERY_S = 1.0
BODY_TIMEOUT_S = 5
HEADER_TIMEOUT_S = 5
# What a dropped connection may take beyond the proxy's own timeout: the
# proxy's timers, scheduling on a busy two-core machine.
DROP_MARGIN_S = 10
MAX_BODY = "200k"


@dataclass
class Trickler:
    """Hold ``bodies`` slow-body and ``headers`` slow-header connections open
    to ``address``, sending one more body byte or header line on each every
    TRICKLE_EVERY_S; a connection the server answers or closes is replaced
    at once, as an attacker would."""

    address: tuple[str, int]
    bodies: int
    headers: int
    open: dict[socket.socket, str] = field(default_factory=dict)
    refused: int = 0
    replaced: Counter[str] = field(default_factory=Counter)
    fewest_open: int | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def connect(self, kind: str) -> None:
        try:
            sock = socket.create_connection(self.address, timeout=5)
        except OSError:
            self.refused += 1
            return
        host = "%s:%d" % self.address
        if kind == "body":
            start = (
                "POST /oauth/token HTTP/1.1\r\nHost: %s\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 100000\r\n\r\ngrant_type=" % host
            )
        else:
            start = "GET /healthz HTTP/1.1\r\nHost: %s\r\n" % host
        sock.sendall(start.encode())
        sock.setblocking(False)
        self.open[sock] = kind

    def fill(self) -> None:
        """Open connections until each kind has its number (gives up on a
        kind after as many refusals as it should have connections)."""
        for kind, wanted in (("body", self.bodies), ("header", self.headers)):
            missing = wanted - list(self.open.values()).count(kind)
            refused = self.refused
            for _ in range(missing):
                self.connect(kind)
                if self.refused - refused >= wanted:
                    break

    def trickle(self) -> None:
        """One round: replace the connections the server answered or closed,
        then a byte or a header line on every other one."""
        with self.lock:
            for sock in [s for s in self.open if closed_or_answered(s)]:
                self.replace(sock)
            for sock, kind in list(self.open.items()):
                try:
                    sock.send(b"a" if kind == "body" else b"X-Slow: a\r\n")
                except BlockingIOError:
                    pass
                except OSError:
                    self.replace(sock)
            self.fill()

    def replace(self, sock: socket.socket) -> None:
        self.replaced[self.open.pop(sock)] += 1
        sock.close()

    def run(self) -> None:
        while not self.stop.wait(TRICKLE_EVERY_S):
            self.trickle()

    def count_open(self) -> int:
        """How many attacking connections are open now; the fewest is kept."""
        with self.lock:
            count = len(self.open)
        if self.fewest_open is None or count < self.fewest_open:
            self.fewest_open = count
        return count

    def close(self) -> None:
        with self.lock:
            for sock in self.open:
                sock.close()
            self.open.clear()


def closed_or_answered(sock: socket.socket) -> bool:
    """True when the peer closed the connection or sent anything (a 408)."""
    try:
        sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return False
    except OSError:
        return True
    return True


@pytest.fixture(scope="module")
def open_files() -> Iterator[None]:
    """Raise this process's open-file soft limit to its hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 4 * (SLOW_BODIES + SLOW_HEADERS):
        pytest.skip("the open-file hard limit (%d) is too low" % hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.fixture(scope="module")
def stack(django_db_setup: None, open_files: None) -> Iterator[str]:
    if connection.vendor != "postgresql":
        pytest.skip("the production stack is tested on PostgreSQL (make test-postgres)")
    db = connection.settings_dict
    url = "postgres://%s@%s:%s/%s" % (db["USER"], db["HOST"], db["PORT"], db["NAME"])
    env = base_env(
        DATABASE_URL=url,
        PROXY_BODY_TIMEOUT_S=str(BODY_TIMEOUT_S),
        PROXY_HEADER_TIMEOUT_S=str(HEADER_TIMEOUT_S),
        PROXY_MAX_BODY=MAX_BODY,
        AUTHSERVER_RATE_LIMIT_PER_ADDRESS="100000",
        AUTHSERVER_RATE_LIMIT_PER_CLIENT="100000",
    )
    with serve(env, workers=2) as base:
        yield base


def address_of(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return parts.hostname or "127.0.0.1", parts.port or 80


@pytest.fixture
def clients(db: None) -> tuple[RegisteredClient, RegisteredClient]:
    worker = make_client(
        name="Probe", grants=["client_credentials"], scopes=["documents:read"]
    )
    return worker, make_resource_server()


def token_request(
    base: str, worker: RegisteredClient, timeout: float
) -> requests.Response:
    return requests.post(
        base + "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "documents:read"},
        auth=(worker.client_id, worker.secret),
        timeout=timeout,
    )


def test_others_are_served_within_1_s_while_1000_clients_trickle(stack, clients):
    worker, rs = clients
    trickler = Trickler(address_of(stack), bodies=SLOW_BODIES, headers=SLOW_HEADERS)
    runner = threading.Thread(target=trickler.run, daemon=True)
    try:
        trickler.fill()
        assert trickler.refused == 0
        runner.start()
        rounds = 0
        deadline = time.monotonic() + PROBE_FOR_S
        while time.monotonic() < deadline:
            assert trickler.count_open() == SLOW_BODIES + SLOW_HEADERS
            health = requests.get(stack + "/healthz", timeout=1)
            assert health.status_code == 200
            issued = token_request(stack, worker, timeout=1)
            assert issued.status_code == 200, issued.text
            answer = requests.post(
                stack + "/oauth/introspect",
                data={"token": issued.json()["access_token"]},
                auth=(rs.client_id, rs.secret),
                timeout=1,
            )
            assert answer.status_code == 200
            assert answer.json()["active"] is True
            rounds += 1
            time.sleep(PROBE_PAUSE_S)
        # Each round takes at most its three 1 s timeouts and the pause.
        assert rounds >= PROBE_FOR_S // 4
    finally:
        trickler.stop.set()
        if runner.is_alive():
            runner.join(timeout=10)
        trickler.close()
    # The attack held for the whole run: the slow bodies trickle faster than
    # the body timeout, so the proxy kept every one of them open; a slow
    # header's time is counted from its start however it trickles, so each
    # was dropped at the header timeout (at least once) and opened again.
    assert trickler.refused == 0
    assert trickler.fewest_open == SLOW_BODIES + SLOW_HEADERS
    assert trickler.replaced["body"] == 0
    assert trickler.replaced["header"] >= SLOW_HEADERS


def stalled(base: str, start: bytes) -> bytes:
    """Send ``start`` and then nothing; return what the server sends before
    it closes or resets the connection (raises TimeoutError if it does
    neither in time)."""
    with socket.create_connection(address_of(base), timeout=5) as sock:
        sock.sendall(start)
        sock.settimeout(BODY_TIMEOUT_S + DROP_MARGIN_S)
        received = b""
        try:
            while chunk := sock.recv(4096):
                received += chunk
        except ConnectionResetError:
            pass
        return received


def test_a_stalled_body_is_dropped_after_the_body_timeout(stack):
    host = "%s:%d" % address_of(stack)
    answer = stalled(
        stack,
        (
            "POST /oauth/token HTTP/1.1\r\nHost: %s\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 10000\r\n\r\ngrant_type=client_cred" % host
        ).encode(),
    )
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408")


def test_a_stalled_header_is_dropped_after_the_header_timeout(stack):
    host = "%s:%d" % address_of(stack)
    answer = stalled(stack, ("GET /healthz HTTP/1.1\r\nHost: %s\r\n" % host).encode())
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408")


def test_a_body_within_the_limit_reaches_the_application(stack, clients):
    worker, _ = clients
    issued = token_request(stack, worker, timeout=10)
    assert issued.status_code == 200
    assert issued.json()["token_type"] == "Bearer"


def test_a_body_over_the_limit_is_refused_before_the_application(stack, clients):
    worker, _ = clients
    refused = requests.post(
        stack + "/oauth/token",
        data={"grant_type": "client_credentials", "padding": "a" * 300_000},
        auth=(worker.client_id, worker.secret),
        timeout=10,
    )
    assert refused.status_code == 413
