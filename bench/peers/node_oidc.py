"""node-oidc-provider 9.13 as a benchmark peer.

Starts ``bench/peers/oidc_provider/server.mjs`` (one node process on
127.0.0.1), discovers its endpoints, obtains a client_credentials token and
checks that the resource-server client sees it as active through
introspection. The returned :class:`Peer` carries everything a wrk scenario
needs: URLs, Basic headers, a form body and a live token.

Two storages: ``redis_url`` given, everything lives in that Redis db
(``redis_adapter.mjs``, laid out as oidc-provider's example Redis adapter),
as the provider is deployed; ``start`` then restarts the process once and
checks that the token issued before the restart is still active. Without
it, the process's own memory (the reference row: no storage cost at all).
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import IO

from bench.peers import Peer, basic, stop_process

HERE = Path(__file__).resolve().parent / "oidc_provider"
HOST = "127.0.0.1"
READY_TIMEOUT = 20.0
HTTP_TIMEOUT = 10.0

APP_ID = "bench-app"
APP_SECRET = "bench-app-secret-0123456789abcdef0123456789"
RS_ID = "bench-rs"
RS_SECRET = "bench-rs-secret-0123456789abcdef0123456789"
CLIENT_CREDENTIALS_BODY = "grant_type=client_credentials&scope=profile"
DEPENDENCIES = ("oidc-provider", "ioredis")  # package.json


def _stderr_tail(log: IO[bytes], limit: int = 2000) -> str:
    """Return the last ``limit`` bytes the server wrote to stderr."""
    log.seek(0)
    return log.read().decode(errors="replace")[-limit:]


def _ensure_node_modules() -> None:
    """Install the pinned dependencies from package-lock.json if missing."""
    if all((HERE / "node_modules" / name).is_dir() for name in DEPENDENCIES):
        return
    npm = shutil.which("npm") or "npm"
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=HERE,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _wait_ready(process: subprocess.Popen[bytes], timeout: float) -> None:
    """Block until the server prints ``ready`` on stdout, or raise."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"node-oidc-provider not ready in {timeout:.0f}s")
            if not selector.select(left):
                continue
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError(
                    f"node-oidc-provider exited early (code {process.wait()})"
                )
            buffer += chunk
            if b"ready" in buffer.splitlines():
                return


def _request(
    url: str, body: str | None = None, authorization: str | None = None
) -> tuple[int, bytes]:
    """Do a GET, or a form POST when ``body`` is given; return status, body."""
    headers = {"Accept": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    data = None
    if body is not None:
        data = body.encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _path_of(url: str, base_url: str) -> str:
    """Return the path of an endpoint URL that must live under ``base_url``."""
    if not url.startswith(base_url + "/"):
        raise RuntimeError(f"endpoint {url!r} is not under {base_url!r}")
    return url[len(base_url) :]


def _launch(port: int, redis_url: str | None) -> tuple[subprocess.Popen, IO[bytes]]:
    """Start server.mjs; return the process and its stderr log."""
    env = {**os.environ, "PORT": str(port), "NODE_ENV": "production"}
    if redis_url:
        env.update(PEER_ADAPTER="redis", REDIS_URL=redis_url)
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [shutil.which("node") or "node", "server.mjs"],
        cwd=HERE,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=log,
    )
    return process, log


def _introspect_active(base_url: str, path: str, rs_basic: str, token: str) -> None:
    """Raise RuntimeError unless introspection reports ``token`` active."""
    body = urllib.parse.urlencode({"token": token})
    status, raw = _request(base_url + path, body, rs_basic)
    if status != 200 or json.loads(raw).get("active") is not True:
        raise RuntimeError(f"introspection not active: {status} {raw!r}")


def start(port: int, redis_url: str | None = None) -> Peer:
    """Start node-oidc-provider on ``127.0.0.1:port`` and return a checked Peer.

    ``redis_url``: keep its storage in that Redis db (see the module
    docstring). Raises RuntimeError when the server does not come up, the
    token request fails, introspection of the fresh token by the
    resource-server client does not report it active, or (with Redis) the
    token is not active any more after a restart.
    """
    _ensure_node_modules()
    base_url = f"http://{HOST}:{port}"
    process, log = _launch(port, redis_url)
    try:
        _wait_ready(process, READY_TIMEOUT)

        status, raw = _request(base_url + "/.well-known/openid-configuration")
        if status != 200:
            raise RuntimeError(f"discovery failed: {status} {raw!r}")
        discovery = json.loads(raw)
        token_path = _path_of(discovery["token_endpoint"], base_url)
        introspect_path = _path_of(discovery["introspection_endpoint"], base_url)

        app_basic = basic(APP_ID, APP_SECRET)
        rs_basic = basic(RS_ID, RS_SECRET)

        status, raw = _request(
            base_url + token_path, CLIENT_CREDENTIALS_BODY, app_basic
        )
        if status != 200:
            raise RuntimeError(f"client_credentials failed: {status} {raw!r}")
        token = json.loads(raw)["access_token"]
        _introspect_active(base_url, introspect_path, rs_basic, token)
        if redis_url:
            stop_process(process, log)
            process, log = _launch(port, redis_url)
            _wait_ready(process, READY_TIMEOUT)
            _introspect_active(base_url, introspect_path, rs_basic, token)
    except RuntimeError as error:
        stderr = _stderr_tail(log)
        stop_process(process, log)
        raise RuntimeError(f"{error}\nserver stderr:\n{stderr}") from error
    except BaseException:
        stop_process(process, log)
        raise

    return Peer(
        name="node-oidc-provider 9.13 (%s)" % ("Redis" if redis_url else "memory"),
        base_url=base_url,
        token_path=token_path,
        introspect_path=introspect_path,
        app_basic=app_basic,
        rs_basic=rs_basic,
        token=token,
        client_credentials_body=CLIENT_CREDENTIALS_BODY,
        process=process,
        log=log,
    )
