"""The servers `make bench` compares ours with, and what drives them.

``node_oidc`` (node-oidc-provider 9.13.3, one process, in-memory store) and
``stock_dot.peer`` (django-oauth-toolkit with its defaults, under our own
server command line) each start one and return a ``Peer``.
"""

from __future__ import annotations

import base64
import subprocess
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO


def basic(client_id: str, secret: str) -> str:
    """An RFC 6749 §2.3.1 ``Authorization: Basic`` value (form-encoded parts)."""
    pair = "%s:%s" % (
        urllib.parse.quote(client_id, safe=""),
        urllib.parse.quote(secret, safe=""),
    )
    return "Basic " + base64.b64encode(pair.encode()).decode("ascii")


@dataclass
class Peer:
    """A running peer server and what a load generator needs to drive it."""

    name: str
    base_url: str
    token_path: str
    introspect_path: str
    app_basic: str
    rs_basic: str
    token: str
    client_credentials_body: str
    process: subprocess.Popen = field(repr=False)
    log: IO[bytes] | None = field(default=None, repr=False)
    # Peers that also run the code exchange and refresh (the DOT peers):
    # the code client's Basic header, its redirect URI, and the folder of
    # single-use items (codes-*.txt, refresh-*.txt, as bench/seed.py writes).
    web_basic: str = field(default="", repr=False)
    redirect_uri: str = ""
    items_dir: Path | None = None

    def pids(self) -> list[int]:
        """The server's worker processes (the master's children), or the
        process itself when it has none."""
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(pid) for pid in out.split()] or [self.process.pid]

    def stop(self) -> None:
        """Stop the server: see ``stop_process``."""
        stop_process(self.process, self.log)
        self.log = None


def stop_process(process: subprocess.Popen, log: IO[bytes] | None = None) -> None:
    """SIGTERM, SIGKILL after 20 s; the process reaped, its pipes and log closed."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()
    if log is not None:
        log.close()
