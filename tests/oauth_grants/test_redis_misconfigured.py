"""Redis configured without the redis package: refused loudly, never a
silent "rate limits off"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tests.servers import ROOT, base_env


@pytest.fixture
def no_redis_package(tmp_path: Path) -> Path:
    """A folder that, put first on sys.path, makes `import redis` fail as it
    does where the package is not installed."""
    fake = tmp_path / "redis"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'redis'\", name='redis')\n"
    )
    return tmp_path


def test_check_and_check_deploy_fail(settings, monkeypatch):
    settings.AUTHSERVER = {
        **settings.AUTHSERVER,
        "RATE_LIMIT_REDIS_URL": "redis://127.0.0.1:6379/9",
    }
    monkeypatch.setitem(sys.modules, "redis", None)  # import redis -> ImportError
    for args in ((), ("--deploy",)):
        with pytest.raises(SystemCheckError, match="oauth_grants.E010"):
            call_command("check", *args)


def test_check_passes_when_redis_is_not_configured(settings, monkeypatch):
    settings.AUTHSERVER = {**settings.AUTHSERVER, "RATE_LIMIT_REDIS_URL": ""}
    monkeypatch.setitem(sys.modules, "redis", None)
    call_command("check")


def load_application(pythonpath: str) -> subprocess.CompletedProcess:
    """Load the WSGI application in a new process, as a server does."""
    return subprocess.run(
        [sys.executable, "-c", "import authserver.wsgi"],
        cwd=ROOT,
        env=base_env(REDIS_URL="redis://127.0.0.1:6379/9", PYTHONPATH=pythonpath),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_server_refuses_to_start(no_redis_package):
    started = load_application("%s:%s" % (no_redis_package, ROOT))
    assert started.returncode != 0
    assert "oauth_grants.E010" in started.stderr
    assert "redis" in started.stderr


def test_the_server_starts_with_the_package():
    started = load_application(str(ROOT))
    assert started.returncode == 0, started.stderr
