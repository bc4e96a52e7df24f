"""The stack under test: settings, PostgreSQL, Redis, deploy/app-server.

Everything the benchmark starts is described here: the environment of the
app (production settings; DEBUG off; ``DJANGO_SECURE=0`` only because it
is plain HTTP on loopback; rate limits too high to trigger; access log at
WARNING), the database and cache it gets (recreated and flushed), and the
server processes (``deploy/app-server``: granian, WSGI, measured directly,
without the proxy that ``deploy/serve`` puts in front of it: README,
Performance, says why).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol, TypeVar

import psycopg
import redis

from bench import procs

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
READY_TIMEOUT_S = 40.0


def seconds(duration: str) -> float:
    """Return a wrk duration ("10s", "2m", "1h" or a bare number) in seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", duration)
    if not match:
        raise ValueError("not a duration: %r" % duration)
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


@dataclass(frozen=True)
class Config:
    """What one benchmark run uses; every field can be set from the environment.

    BENCH_DURATION (10s), BENCH_WARMUP (3s), BENCH_CONNECTIONS (32),
    BENCH_PORT (8765: ours; the next six ports go to the remote-introspection
    API server, the peers and the gunicorn comparison), WEB_CONCURRENCY and
    WEB_THREADS (workers, and threads each: deploy/app-server's defaults, one per
    core and 2), BENCH_PG (the database URL, recreated; the DOT peers get
    databases named after it on the same server), BENCH_REDIS (the Redis URL
    with its own db number, flushed), BENCH_PEER_REDIS (the Redis db of
    node-oidc-provider's Redis storage, flushed; redis://127.0.0.1:6379/8),
    BENCH_MINT_RATE (single-use codes and tokens minted per second of load,
    4000), BENCH_ONLY (comma-separated scenario keys of bench/scenarios.py:
    run only those, for measuring one change; unset runs them all).
    """

    duration: str
    warmup: str
    connections: int
    threads: int
    port: int
    workers: int
    web_threads: int
    database_url: str
    redis_url: str
    peer_redis_url: str
    mint_rate: int
    only: frozenset[str] = frozenset()

    @classmethod
    def from_env(cls) -> Config:
        """Read the configuration from ``os.environ`` with the defaults above."""
        get = os.environ.get
        return cls(
            duration=get("BENCH_DURATION", "10s"),
            warmup=get("BENCH_WARMUP", "3s"),
            connections=int(get("BENCH_CONNECTIONS", "32")),
            threads=2,
            port=int(get("BENCH_PORT", "8765")),
            workers=int(get("WEB_CONCURRENCY") or os.cpu_count() or 1),
            web_threads=int(get("WEB_THREADS") or 2),
            database_url=get(
                "BENCH_PG", "postgres://postgres@127.0.0.1:5432/bench_authserver"
            ),
            redis_url=get("BENCH_REDIS", "redis://127.0.0.1:6379/7"),
            peer_redis_url=get("BENCH_PEER_REDIS", "redis://127.0.0.1:6379/8"),
            mint_rate=int(get("BENCH_MINT_RATE", "4000")),
            only=frozenset(k for k in get("BENCH_ONLY", "").split(",") if k),
        )

    def selected(self, *keys: str) -> bool:
        """Whether any of scenario ``keys`` is to be run (BENCH_ONLY)."""
        return not self.only or any(key in self.only for key in keys)

    def peer_database_url(self, name: str) -> str:
        """Return the URL of database ``name`` on the same PostgreSQL server."""
        return self.database_url.rsplit("/", 1)[0] + "/" + name

    def own_database_url(self, suffix: str) -> str:
        """The URL of a database named after this run's own (``_suffix``)."""
        return self.database_url + "_" + suffix

    def mint_count(self, duration: str) -> int:
        """Single-use items to mint for a run of ``duration`` (rate x seconds)."""
        return int(self.mint_rate * seconds(duration))


def app_env(config: Config, port: int, **extra: str) -> dict[str, str]:
    """Return the whole environment of an authserver process (nothing inherited
    but PATH): production settings against the bench database and Redis."""
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "authserver.settings",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-never-deploy",
        "AUTHSERVER_ISSUER": "http://127.0.0.1:%d" % config.port,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE": "0",  # plain HTTP on loopback, asked for by name
        "DATABASE_URL": config.database_url,
        "REDIS_URL": config.redis_url,
        "AUTHSERVER_RATE_LIMIT_PER_ADDRESS": "1000000000",
        "AUTHSERVER_RATE_LIMIT_PER_CLIENT": "1000000000",
        "ACCESS_LOG_LEVEL": "WARNING",
        "LOG_LEVEL": "WARNING",
        "BIND": "127.0.0.1:%d" % port,
        "WEB_CONCURRENCY": str(config.workers),
        "WEB_THREADS": str(config.web_threads),
        **extra,
    }


def run_python(args: list[str], env: dict[str, str]) -> str:
    """Run the virtualenv's Python from the repository root; return stdout.

    Raises RuntimeError with the end of stderr when it fails.
    """
    done = subprocess.run(
        [str(PYTHON), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(
            "%s failed (%d):\n%s"
            % (" ".join(args[:3]), done.returncode, done.stderr[-3000:])
        )
    return done.stdout


def reset_database(url: str) -> None:
    """Drop (closing its connections) and create the database named in ``url``."""
    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
        conn.execute('CREATE DATABASE "%s"' % name)


def reset_cache(url: str) -> None:
    """Empty the Redis database named in ``url`` (only that db number)."""
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def service_versions(config: Config) -> dict[str, str]:
    """Return the PostgreSQL and Redis server versions the run talks to."""
    with psycopg.connect(config.database_url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    client = redis.Redis.from_url(config.redis_url)
    try:
        info = client.info("server")
    finally:
        client.close()
    return {
        "postgresql": str(row[0]) if row else "",
        "redis": str(info.get("redis_version", "")),
    }


@dataclass
class Server:
    """A running ``deploy/app-server`` (a granian master and its worker processes)."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: IO[bytes] = field(repr=False)

    @property
    def base_url(self) -> str:
        """The loopback URL the server answers on."""
        return "http://127.0.0.1:%d" % self.port

    def pids(self) -> list[int]:
        """The worker processes (the master's children), else the master."""
        return procs.children(self.process.pid) or [self.process.pid]

    def argv(self) -> list[str]:
        """The server's command line as the kernel has it (after
        deploy/app-server's exec, so: granian and all its options)."""
        raw = Path("/proc/%d/cmdline" % self.process.pid).read_bytes()
        return [part.decode() for part in raw.split(b"\0") if part]

    def log_tail(self, limit: int = 3000) -> str:
        """The end of what the server wrote to stdout and stderr."""
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-limit:]

    def stop(self) -> None:
        """Stop the master and every worker; close the log."""
        procs.stop(self.process)
        self.log.close()


def gunicorn_argv(env: dict[str, str]) -> list[str]:
    """gunicorn's sync workers, 2 x cores + 1 as its documentation advises:
    what deploy/app-server's granian is measured against."""
    return [
        str(PYTHON.parent / "gunicorn"),
        "--bind",
        env["BIND"],
        "--workers",
        str(2 * (os.cpu_count() or 1) + 1),
        "--worker-class",
        "sync",
        "authserver.wsgi:application",
    ]


def serve(name: str, env: dict[str, str], argv: list[str] | None = None) -> Server:
    """Start ``deploy/app-server`` (or ``argv``) with ``env`` and return it once
    /healthz answers 200; on failure stop it and raise RuntimeError with its
    log."""
    port = int(env["BIND"].rsplit(":", 1)[1])
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        argv or [str(ROOT / "deploy" / "app-server")],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(name=name, port=port, process=process, log=log)
    try:
        _wait_healthy(server)
    except BaseException as error:
        tail = server.log_tail()
        server.stop()
        if isinstance(error, RuntimeError):
            raise RuntimeError("%s: %s\n%s" % (name, error, tail)) from None
        raise
    return server


def _wait_healthy(server: Server) -> None:
    """Poll /healthz until 200, or raise RuntimeError after READY_TIMEOUT_S."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError("exited with %s" % server.process.returncode)
        try:
            with urllib.request.urlopen(server.base_url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        time.sleep(0.2)
    raise RuntimeError("no 200 from /healthz in %.0f s" % READY_TIMEOUT_S)


def peer_argv(ours: list[str], port: int, app: str) -> list[str]:
    """Our server's command line, serving ``app`` on ``port`` instead: the
    same granian, worker count, interface and options."""
    argv = list(ours)
    argv[argv.index("--port") + 1] = str(port)
    argv[-1] = app
    return argv


class Stoppable(Protocol):
    """A started server: ours, or a peer (bench/peers)."""

    def pids(self) -> list[int]: ...

    def stop(self) -> None: ...


S = TypeVar("S", bound=Stoppable)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver them.

    A start function killed half-way (between spawning a server and
    returning it) would leave that server running with nobody to stop it.
    """
    caught: list[int] = []
    previous = {
        signum: signal.signal(signum, lambda n, frame: caught.append(n))
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            signal.raise_signal(caught[0])


def keep(cleanup: ExitStack, start: Callable[[], S]) -> S:
    """Call ``start`` (signals held) and register the server's stop with
    ``cleanup``: the server, then any of its processes that outlive it."""
    with _signals_deferred():
        server = start()
        cleanup.callback(_stop, server)
    return server


def _stop(server: Stoppable) -> None:
    """Stop ``server``; kill by id whichever of its processes survived."""
    workers = procs.snapshot(server.pids())
    server.stop()
    procs.kill_survivors(workers)
