"""Start real server processes on loopback for tests, and stop them after."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**overrides: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "authserver.settings",
        "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production",
        "AUTHSERVER_ISSUER": "http://127.0.0.1",
        "DJANGO_SECURE": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    for name in (
        "AUTHSERVER_OIDC_PRIVATE_KEY_FILE",
        "AUTHSERVER_OIDC_PUBLISHED_KEYS_FILE",
    ):
        if os.environ.get(name):
            env[name] = os.environ[name]
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited with %s" % process.returncode)
        try:
            requests.get(url, timeout=1, allow_redirects=False)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("server did not come up at %s" % url)


def require_proxy() -> None:
    """Skip when nginx (the proxy deploy/serve starts) is missing, except
    under CI, where it is a failure (.ci/run installs it)."""
    if shutil.which("nginx") or os.access("/usr/sbin/nginx", os.X_OK):
        return
    if os.environ.get("CI"):
        pytest.fail("nginx is missing (deploy/install-proxy installs it)")
    pytest.skip("nginx is not installed (deploy/install-proxy installs it)")


@contextmanager
def serve(env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """Run the production stack (deploy/serve: the proxy on a free port, the
    application server behind it on another); yield the proxy's URL.

    The stack runs in its own process group, so that whatever survives a
    stop that had to be forced is killed with it.
    """
    require_proxy()
    port = free_port()
    process = subprocess.Popen(
        [str(Path(ROOT) / "deploy" / "serve")],
        cwd=ROOT,
        env={
            **env,
            "BIND": "127.0.0.1:%d" % port,
            "APP_BIND": "127.0.0.1:%d" % free_port(),
            "WEB_CONCURRENCY": str(workers),
            "VENV_BIN": str(BIN),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = "http://127.0.0.1:%d" % port
    try:
        wait_until_up(url + "/accounts/login/", process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
