"""Settings fail closed (issue 2): checked in fresh interpreters."""

from __future__ import annotations

import secrets
import subprocess
import sys

PROD_ENV = {
    "PATH": "/usr/bin:/bin",
    "DJANGO_SETTINGS_MODULE": "authserver.settings",
    "DJANGO_ALLOWED_HOSTS": "auth.example.com",
    "AUTHSERVER_ISSUER": "https://auth.example.com",
}


def python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_no_secret_key_outside_debug_refuses_to_start():
    result = python("import django; django.setup()", PROD_ENV)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_no_issuer_outside_debug_refuses_to_start():
    env = {k: v for k, v in PROD_ENV.items() if k != "AUTHSERVER_ISSUER"}
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    result = python("import django; django.setup()", env)
    assert result.returncode != 0
    assert "AUTHSERVER_ISSUER" in result.stderr


def test_debug_is_off_and_transport_is_secure_by_default():
    env = {**PROD_ENV, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    result = python(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS > 0, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY)",
        env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "True"]


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(secrets.token_urlsafe(50))
    env = {**PROD_ENV, "DJANGO_SECRET_KEY_FILE": str(key_file)}
    result = python(
        "import django; django.setup(); from django.conf import settings;"
        "print(len(settings.SECRET_KEY))",
        env,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 50


def test_check_deploy_is_clean_for_production_settings(tmp_path):
    env = {
        **PROD_ENV,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "sqlite:///%s" % (tmp_path / "empty.sqlite3"),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_a_shared_cache(tmp_path):
    env = {
        **PROD_ENV,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "sqlite:///%s" % (tmp_path / "empty.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode != 0
    assert "oauth_grants.W001" in result.stdout + result.stderr
