"""Start and seed the django-oauth-toolkit peers for `make bench`.

The peer is the Django project in this package (``bench/peers/stock_dot/``):
DOT with its default settings (``STOCK``), or configured for speed
(``FAST``: ``fast_settings``, a fast client-secret hasher), served by
whatever WSGI server the caller names. ``start`` recreates its PostgreSQL
database, migrates it, seeds two confidential client_credentials
applications (secrets given in clear, so DOT hashes them with the
configured hasher: PBKDF2 by default) and one access
token, starts the server and checks both benchmarked endpoints with real
HTTP requests.

Import it as ``from bench.peers.stock_dot.peer import start``; the server
workers import only ``bench.peers.stock_dot.wsgi`` and never load it.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from bench.peers import Peer, basic

ROOT = Path(__file__).resolve().parents[3]
PYTHON = ROOT / ".venv" / "bin" / "python"
STOCK = ("stock django-oauth-toolkit (defaults)", "bench.peers.stock_dot.settings")
FAST = (
    "django-oauth-toolkit configured for speed",
    "bench.peers.stock_dot.fast_settings",
)
TOKEN_PATH = "/o/token/"
INTROSPECT_PATH = "/o/introspect/"
CLIENT_CREDENTIALS_BODY = "grant_type=client_credentials&scope=read"
READY_TIMEOUT_S = 30.0
REDIRECT_URI = "https://bench.example.test/cb"  # mint.py registers it
# Where to mint the single-use items, and how many for the warm-up and run.
MintPlan = tuple[Path, int, int]

SEED = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model
A = get_application_model()
u = get_user_model().objects.create_user("bench", email="bench@example.test")
kind = dict(
    client_type=A.CLIENT_CONFIDENTIAL,
    authorization_grant_type=A.GRANT_CLIENT_CREDENTIALS,
    user=u,
)
app = A.objects.create(
    name="bench-app", client_id=%(app_id)r, client_secret=%(app_secret)r, **kind
)
A.objects.create(
    name="bench-rs", client_id=%(rs_id)r, client_secret=%(rs_secret)r, **kind
)
get_access_token_model().objects.create(
    user=u, application=app, token=%(token)r, scope="read",
    expires=timezone.now() + timedelta(hours=2),
)
print("stored-secret:" + A.objects.get(name="bench-app").client_secret)
"""


def _env(settings: str, database_url: str) -> dict[str, str]:
    """Environment of every peer process: PATH, settings and database only."""
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": database_url,
    }


def _django(settings: str, database_url: str, *args: str) -> str:
    """Run ``python -m django ARGS`` under the peer's settings; return stdout."""
    done = subprocess.run(
        [str(PYTHON), "-m", "django", *args],
        cwd=ROOT,
        env=_env(settings, database_url),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError("django %s failed:\n%s" % (args[0], done.stderr))
    return done.stdout


def _recreate_database(database_url: str) -> None:
    """Drop and create the database named in ``database_url``."""
    server, name = database_url.rsplit("/", 1)
    admin = server + "/postgres"
    for sql in (
        'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name,
        'CREATE DATABASE "%s"' % name,
    ):
        subprocess.run(
            ["psql", admin, "-qc", sql],
            env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
            check=True,
        )


def _post(url: str, authorization: str, body: str) -> tuple[int, str]:
    """POST a form body; return the status and the response text."""
    request = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={
            "Authorization": authorization,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _wait_ready(peer: Peer) -> None:
    """Wait until the server answers HTTP at all, or raise RuntimeError."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if peer.process.poll() is not None:
            raise RuntimeError("server exited with %s" % peer.process.returncode)
        try:
            urllib.request.urlopen(peer.base_url + peer.token_path, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # 405 for GET on the token endpoint: it is serving
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server not answering after %.0f s" % READY_TIMEOUT_S)


def _check(peer: Peer) -> None:
    """Check token issuance and introspection with real requests."""
    status, text = _post(
        peer.base_url + peer.token_path, peer.app_basic, peer.client_credentials_body
    )
    if status != 200:
        raise RuntimeError("token request: HTTP %d %s" % (status, text))
    status, text = _post(
        peer.base_url + peer.introspect_path, peer.rs_basic, "token=" + peer.token
    )
    if status != 200 or json.loads(text).get("active") is not True:
        raise RuntimeError("introspection: HTTP %d %s" % (status, text))


def _log_tail(log: IO[bytes]) -> str:
    """Return the end of the server's log, for error messages."""
    log.flush()
    log.seek(0)
    return log.read().decode(errors="replace")[-4000:]


def _mint(settings: str, database_url: str, items: MintPlan) -> tuple[str, str]:
    """Register the code client and mint codes and refresh tokens
    (``mint.py``); return the client's id and secret."""
    web_id, web_secret = "bench-web", secrets.token_urlsafe(48)
    folder, warmup, run = items
    done = subprocess.run(
        [
            str(PYTHON),
            "-m",
            "bench.peers.stock_dot.mint",
            str(folder),
            web_id,
            "--warmup",
            str(warmup),
            "--run",
            str(run),
        ],
        cwd=ROOT,
        env={**_env(settings, database_url), "BENCH_WEB_SECRET": web_secret},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError("minting codes failed:\n%s" % done.stderr[-3000:])
    return web_id, web_secret


def start(
    port: int,
    server_argv: list[str],
    database_url: str,
    variant: tuple[str, str] = STOCK,
    items: MintPlan | None = None,
) -> Peer:
    """Recreate, migrate and seed the peer's database, then serve it.

    ``server_argv`` is the full command serving the WSGI app given as its last
    element; it runs unchanged from the repository root. ``variant``: ``STOCK``
    or ``FAST`` (name, settings module). ``items`` (a folder, warm-up and run
    counts): also mint codes and refresh tokens there for the code exchange
    and refresh runs. Returns the running peer once a token request and an
    introspection have both succeeded.
    """
    name, settings = variant
    app_id, rs_id = "bench-app", "bench-rs"
    app_secret, rs_secret = secrets.token_urlsafe(48), secrets.token_urlsafe(48)
    token = secrets.token_urlsafe(30)
    _recreate_database(database_url)
    _django(settings, database_url, "migrate", "--noinput", "-v0")
    out = _django(
        settings,
        database_url,
        "shell",
        "-c",
        SEED
        % {
            "app_id": app_id,
            "app_secret": app_secret,
            "rs_id": rs_id,
            "rs_secret": rs_secret,
            "token": token,
        },
    )
    stored = out.rsplit("stored-secret:", 1)[-1].strip()
    if not stored or stored == app_secret:
        raise RuntimeError("client secret not hashed at rest: %r" % out)
    web = _mint(settings, database_url, items) if items else None
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        server_argv,
        cwd=ROOT,
        env=_env(settings, database_url),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    peer = Peer(
        name=name,
        base_url="http://127.0.0.1:%d" % port,
        token_path=TOKEN_PATH,
        introspect_path=INTROSPECT_PATH,
        app_basic=basic(app_id, app_secret),
        rs_basic=basic(rs_id, rs_secret),
        token=token,
        client_credentials_body=CLIENT_CREDENTIALS_BODY,
        process=process,
        log=log,
        web_basic=basic(*web) if web else "",
        redirect_uri=REDIRECT_URI if web else "",
        items_dir=items[0] if items else None,
    )
    try:
        _wait_ready(peer)
        _check(peer)
    except RuntimeError as error:
        tail = _log_tail(log)
        peer.stop()
        raise RuntimeError("%s\nserver log:\n%s" % (error, tail)) from None
    return peer
