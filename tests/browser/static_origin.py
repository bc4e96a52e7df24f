"""A static web server on its own loopback origin, for browser-app tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

NODE_MODULES = (
    Path(__file__).resolve().parent.parent / "interop" / "node" / "node_modules"
)
OAUTH4WEBAPI = NODE_MODULES / "oauth4webapi" / "build" / "index.js"


class StaticFiles(SimpleHTTPRequestHandler):
    """Files from one folder; /oauth4webapi.js is the npm package's ES module."""

    def translate_path(self, path: str) -> str:
        if path.split("?", 1)[0] == "/oauth4webapi.js":
            return str(OAUTH4WEBAPI)
        return super().translate_path(path)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@contextmanager
def static_origin(folder: Path, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``folder`` at http://HOST:<free port>; yield that origin."""
    server = ThreadingHTTPServer((host, 0), partial(StaticFiles, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://%s:%d" % (host, server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
