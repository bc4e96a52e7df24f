"""A native app (RFC 8252): a loopback listener on a port the OS picked.

The app registered ``http://127.0.0.1/callback`` (no port), opens the
system browser (Chromium) at the authorization URL with the port it was
given, the person signs in and consents, the listener receives the code and
the app exchanges it with PKCE as a public client.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from oauth_grants.models import Client
from tests.factories import Pkce, make_client, make_user
from tests.live_http import authorize_query, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


class LoopbackListener(BaseHTTPRequestHandler):
    """What a native app runs for one redirect: record the query, say done."""

    received: list[dict[str, list[str]]] = []

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != "/callback":  # the browser also asks for /favicon.ico
            self.send_error(404)
            return
        type(self).received.append(parse_qs(url.query))
        body = b"You can close this window."
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


def test_native_app_receives_the_code_on_its_ephemeral_port(live_server, new_page):
    make_user("nia", "nia-password-42")
    app = make_client(
        client_type=Client.CLIENT_PUBLIC,
        name="Notes desktop",
        redirect_uris=["http://127.0.0.1/callback"],
    )
    LoopbackListener.received = []
    listener = ThreadingHTTPServer(("127.0.0.1", 0), LoopbackListener)
    thread = threading.Thread(target=listener.serve_forever, daemon=True)
    thread.start()
    try:
        redirect_uri = "http://127.0.0.1:%d/callback" % listener.server_address[1]
        pkce = Pkce.new()
        page = new_page()
        page.goto(
            live_server.url
            + "/oauth/authorize?"
            + authorize_query(
                app.client_id, redirect_uri, pkce.challenge, "profile", "n-1"
            )
        )
        sign_in(page, "nia", "nia-password-42")
        page.click("button[value=approve]")
        page.wait_for_url(redirect_uri + "**")
        assert "close this window" in page.inner_text("body")
    finally:
        listener.shutdown()
        listener.server_close()
    [query] = LoopbackListener.received
    assert query["state"] == ["n-1"]
    tokens = requests.post(
        live_server.url + "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": redirect_uri,
            "code_verifier": pkce.verifier,
            "client_id": app.client_id,
        },
        timeout=10,
    )
    assert tokens.status_code == 200, tokens.text
    me = requests.get(
        live_server.url + "/api/v1/me",
        headers={"Authorization": "Bearer " + tokens.json()["access_token"]},
        timeout=10,
    )
    assert me.json()["username"] == "nia"
