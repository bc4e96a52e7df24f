"""oauth4webapi (npm), a strict independent client, against a live server.

Discovery, authorization code with PKCE and nonce (login and consent over
HTTP), ID token validation including its signature, refresh, UserInfo,
introspection (with the audience a resource indicator asked for, RFC 8707)
and revocation. The issuer is the live server's URL, exactly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.factories import make_client, make_resource_server, make_user
from tests.live_http import login_and_consent

NODE_DIR = Path(__file__).resolve().parent / "node"
CALLBACK = "https://rp.example.test/callback"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]


@pytest.fixture
def node():
    node = shutil.which("node")
    ready = node and (NODE_DIR / "node_modules" / "oauth4webapi").exists()
    if not ready:
        if os.environ.get("CI"):
            pytest.fail("node and tests/interop/node/node_modules are needed")
        pytest.skip("run `make interop-deps` (npm ci) to enable the oauth4webapi test")
    return node


def run(node: str, step: str, env: dict[str, str]) -> dict:
    result = subprocess.run(
        [node, "flow.mjs", step],
        cwd=NODE_DIR,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_oauth4webapi_runs_the_whole_flow(node, live_server, settings):
    settings.AUTHSERVER_ISSUER = live_server.url
    user = make_user("gil", "gil-password-42")
    api = live_server.url + "/api/v1/"
    app = make_client(
        name="oauth4webapi RP", redirect_uris=[CALLBACK], allowed_resources=[api]
    )
    rs = make_resource_server()
    env = {
        "ISSUER": live_server.url,
        "CLIENT_ID": app.client_id,
        "CLIENT_SECRET": app.secret,
        "REDIRECT_URI": CALLBACK,
        "RS_CLIENT_ID": rs.client_id,
        "RS_CLIENT_SECRET": rs.secret,
        "RESOURCE": api,
    }
    started = run(node, "start", env)
    callback = login_and_consent(
        live_server.url, started["url"], "gil", "gil-password-42"
    )
    summary = run(
        node,
        "finish",
        {
            **env,
            "CALLBACK": callback,
            "VERIFIER": started["verifier"],
            "NONCE": started["nonce"],
            "STATE": started["state"],
        },
    )
    assert summary == {
        "id_token_sub": str(user.pk),
        "id_token_nonce": started["nonce"],
        "refreshed": True,
        "userinfo_email": "gil@example.test",
        "audience": api,
        "active_before_revocation": True,
        "active_after_revocation": False,
    }
