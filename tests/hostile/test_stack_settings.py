"""deploy/serve refuses settings that would expose the application server or
break the proxy: exit status 2 and a message naming the variable, before
anything is started."""

from __future__ import annotations

import subprocess

import pytest

from tests.servers import ROOT, base_env


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("APP_BIND", "0.0.0.0:8081", "APP_BIND must be a loopback host:port"),
        ("APP_BIND", "192.0.2.10:8081", "APP_BIND must be a loopback host:port"),
        ("APP_BIND", "127.0.0.1:8000", "BIND and APP_BIND must differ"),
        ("BIND", "8000", "BIND must be host:port"),
        ("PROXY_BODY_TIMEOUT_S", "0", "PROXY_BODY_TIMEOUT_S must be a positive"),
        ("PROXY_HEADER_TIMEOUT_S", "5s; x", "PROXY_HEADER_TIMEOUT_S must be a"),
        ("PROXY_MAX_BODY", "1 m", "PROXY_MAX_BODY must be a size"),
        ("PROXY_MAX_CONNECTIONS", "-1", "PROXY_MAX_CONNECTIONS must be a"),
    ],
)
def test_bad_stack_settings_are_refused_before_anything_starts(name, value, message):
    env = base_env(BIND="127.0.0.1:8000", APP_BIND="127.0.0.1:8081")
    env[name] = value
    done = subprocess.run(
        [str(ROOT / "deploy" / "serve")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert message in done.stderr
