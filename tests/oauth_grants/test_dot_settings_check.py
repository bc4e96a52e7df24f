"""django-oauth-toolkit settings the server would ignore are refused by a
system check that names the setting to use instead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks

ROOT = Path(__file__).resolve().parents[2]


def errors_for(settings, **extra: object) -> list[checks.CheckMessage]:
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, **extra}
    return [
        message
        for message in checks.run_checks()
        if message.id and message.id.startswith("oauth_grants.E")
    ]


def test_the_project_settings_pass_the_check(settings):
    assert errors_for(settings) == []


@pytest.mark.parametrize(
    ("name", "instead"),
    [
        ("REFRESH_TOKEN_GRACE_PERIOD_SECONDS", "REFRESH_TOKEN_REUSE_GRACE_SECONDS"),
        ("ID_TOKEN_EXPIRE_SECONDS", "ID_TOKEN_LIFETIME_SECONDS"),
        ("OIDC_RSA_PRIVATE_KEY", 'AUTHSERVER["OIDC_PRIVATE_KEY"]'),
        ("OIDC_RSA_PRIVATE_KEYS_INACTIVE", 'AUTHSERVER["OIDC_PUBLISHED_KEYS"]'),
        ("RESOURCE_SERVER_INTROSPECTION_URL", 'RESOURCE_API["INTROSPECTION_URL"]'),
        ("RESOURCE_SERVER_INTROSPECTION_CREDENTIALS", 'RESOURCE_API["CLIENT_ID"]'),
        ("RESOURCE_SERVER_TOKEN_CACHING_SECONDS", 'RESOURCE_API["CACHE_SECONDS"]'),
        ("CLEAR_EXPIRED_TOKENS_BATCH_SIZE", "cleartokens --batch-size"),
        ("ACCESS_TOKEN_EXPIRE_SECONDS", "access_token_lifetime"),
        ("SCOPES", "create_scope"),
        ("EXTRA_SERVER_KWARGS", "client's policy"),
    ],
)
def test_an_ignored_dot_setting_is_an_error_naming_its_replacement(
    settings, name, instead
):
    errors = errors_for(settings, **{name: 1})
    assert [e.id for e in errors] == ["oauth_grants.E001"]
    assert name in errors[0].msg
    assert instead in errors[0].hint


def test_an_enforced_dot_setting_may_only_keep_its_value(settings):
    assert errors_for(settings, PKCE_REQUIRED=True) == []
    errors = errors_for(settings, PKCE_REQUIRED=False, ROTATE_REFRESH_TOKEN=False)
    assert [e.id for e in errors] == ["oauth_grants.E002", "oauth_grants.E002"]
    assert "PKCE_REQUIRED" in errors[0].msg
    assert "ROTATE_REFRESH_TOKEN" in errors[1].msg


def test_manage_py_check_refuses_to_pass(tmp_path):
    """What a deployer sees: `manage.py check` exits non-zero and says why."""
    (tmp_path / "dot_settings.py").write_text(
        "from authserver.settings import *  # noqa\n"
        'OAUTH2_PROVIDER = {**OAUTH2_PROVIDER, "ID_TOKEN_EXPIRE_SECONDS": 60}\n'
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dot_settings",
        "PYTHONPATH": "%s:%s" % (tmp_path, ROOT),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "oauth_grants.E001" in done.stderr
    assert "ID_TOKEN_LIFETIME_SECONDS" in done.stderr
