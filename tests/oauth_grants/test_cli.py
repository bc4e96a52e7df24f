"""The admins' command line: create_scope and create_client (issue 2)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError

from oauth_grants.models import Client, Scope
from tests.factories import make_scopes

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_scope():
    run("create_scope", "reports:read", "--description", "Read your reports")
    scope = Scope.objects.get(name="reports:read")
    assert scope.description == "Read your reports"


@pytest.mark.parametrize("name", ["has space", 'quo"te', "back\\slash", "x" * 101, ""])
def test_create_scope_refuses_bad_names(name):
    with pytest.raises(CommandError) as excinfo:
        run("create_scope", name, "--description", "d")
    assert excinfo.value.returncode == 2
    assert Scope.objects.count() == 0


def test_create_scope_refuses_duplicates():
    run("create_scope", "dup", "--description", "d")
    with pytest.raises(CommandError) as excinfo:
        run("create_scope", "dup", "--description", "d")
    assert excinfo.value.returncode == 2
    assert Scope.objects.count() == 1


def test_create_confidential_client_prints_secret_once_and_stores_hash():
    make_scopes()
    out = run(
        "create_client",
        "--name",
        "Billing",
        "--type",
        "confidential",
        "--redirect-uri",
        "https://billing.example.test/cb",
        "--redirect-uri",
        "http://127.0.0.1:9000/cb",
        "--grant",
        "authorization_code",
        "--grant",
        "client_credentials",
        "--scope",
        "profile",
        "--scope",
        "documents:read",
        "--no-refresh",
        "--access-token-lifetime",
        "600",
        "--json",
    )
    result = json.loads(out)
    client = Client.objects.get(client_id=result["client_id"])
    assert client.name == "Billing"
    assert client.grant_types == ["authorization_code", "client_credentials"]
    assert client.redirect_uri_list == [
        "https://billing.example.test/cb",
        "http://127.0.0.1:9000/cb",
    ]
    assert sorted(client.allowed_scopes.values_list("name", flat=True)) == [
        "documents:read",
        "profile",
    ]
    assert client.issue_refresh_tokens is False
    assert client.access_token_lifetime == 600
    assert result["client_secret"] not in client.client_secret
    assert check_password(result["client_secret"], client.client_secret)


# A browser app's registration; tests add options to it.
SPA_CLIENT = [
    "create_client",
    "--name",
    "SPA",
    "--type",
    "public",
    "--redirect-uri",
    "https://spa.example.test/cb",
    "--grant",
    "authorization_code",
]


def test_create_public_client_has_no_secret():
    make_scopes()
    out = run(*SPA_CLIENT, "--scope", "profile", "--json")
    assert set(json.loads(out)) == {"client_id", "redirect_uris"}


@pytest.mark.parametrize(
    "args",
    [
        ["--type", "public", "--grant", "client_credentials"],
        ["--type", "confidential", "--grant", "authorization_code"],
        [
            "--type",
            "confidential",
            "--grant",
            "authorization_code",
            "--redirect-uri",
            "http://example.test/cb",
        ],
        [
            "--type",
            "confidential",
            "--grant",
            "authorization_code",
            "--redirect-uri",
            "JavaScript:alert(1)",
        ],
        [
            "--type",
            "confidential",
            "--grant",
            "authorization_code",
            "--redirect-uri",
            "https://example.test/cb#frag",
        ],
        [
            "--type",
            "confidential",
            "--grant",
            "authorization_code",
            "--redirect-uri",
            "https://*.example.test/cb",
        ],
        [
            "--type",
            "confidential",
            "--grant",
            "authorization_code",
            "--redirect-uri",
            "https://example.test/cb",
            "--scope",
            "nope",
        ],
        [
            "--type",
            "confidential",
            "--grant",
            "client_credentials",
            "--access-token-lifetime",
            "0",
        ],
        ["--type", "confidential"],
    ],
)
def test_create_client_bad_arguments_exit_2_and_write_nothing(args):
    make_scopes()
    with pytest.raises(CommandError) as excinfo:
        run("create_client", "--name", "Bad", *args)
    assert excinfo.value.returncode == 2
    assert str(excinfo.value)
    assert Client.objects.count() == 0


def test_argparse_errors_are_exit_2_from_the_shell(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "create_client",
            "--name",
            "x",
            "--type",
            "weird",
        ],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": "sqlite:///%s" % (tmp_path / "db.sqlite3"),
        },
        check=False,
    )
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_grant_refresh_token_is_accepted_as_the_refresh_policy():
    make_scopes()
    out = run(
        "create_client",
        "--name",
        "Mobile",
        "--type",
        "public",
        "--redirect-uri",
        "com.example.mobile:/cb",
        "--redirect-uri",
        "http://127.0.0.1/cb",
        "--grant",
        "authorization_code",
        "--grant",
        "refresh_token",
        "--json",
    )
    result = json.loads(out)
    client = Client.objects.get(client_id=result["client_id"])
    assert client.grant_types == ["authorization_code"]
    assert client.issue_refresh_tokens is True
    assert result["redirect_uris"] == [
        "com.example.mobile:/cb: native app, private-use URI scheme (matched exactly)",
        "http://127.0.0.1/cb: native app, loopback (any port; path and query "
        "matched exactly)",
    ]


def test_grant_refresh_token_with_no_refresh_is_refused():
    make_scopes()
    with pytest.raises(CommandError) as excinfo:
        run(
            "create_client",
            "--name",
            "X",
            "--type",
            "confidential",
            "--grant",
            "client_credentials",
            "--grant",
            "refresh_token",
            "--no-refresh",
        )
    assert excinfo.value.returncode == 2
    assert not Client.objects.exists()


def test_browser_app_origins_and_sign_out_uris_are_registered():
    make_scopes()
    out = run(
        *SPA_CLIENT,
        "--allowed-origin",
        "HTTPS://SPA.example.test:443",
        "--allowed-origin",
        "http://127.0.0.1:5173",
        "--post-logout-redirect-uri",
        "https://spa.example.test/bye",
        "--resource",
        "https://api.example.test/",
        "--json",
    )
    client = Client.objects.get(client_id=json.loads(out)["client_id"])
    assert client.allowed_origins == "https://spa.example.test http://127.0.0.1:5173"
    assert client.post_logout_redirect_uris == "https://spa.example.test/bye"
    assert client.allowed_resources == "https://api.example.test/"


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--allowed-origin", "https://spa.example.test/app", "not an origin"),
        ("--allowed-origin", "http://spa.example.test", "https"),
        ("--allowed-origin", "https://u@spa.example.test", "not an origin"),
        ("--post-logout-redirect-uri", "http://spa.example.test/bye", "loopback"),
        ("--resource", "https://api.example.test/#x", "RFC 8707"),
        ("--redirect-uri", "http://localhost:8080/cb", "RFC 8252 §8.3"),
    ],
)
def test_bad_origins_and_uris_are_refused_and_nothing_is_saved(option, value, message):
    make_scopes()
    with pytest.raises(CommandError) as excinfo:
        run(*SPA_CLIENT, option, value)
    assert excinfo.value.returncode == 2
    assert message in str(excinfo.value)
    assert not Client.objects.exists()
