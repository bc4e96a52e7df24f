"""The layout rules the code relies on, held by tests that fail when broken."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import connection

import oauth_grants

APP = Path(oauth_grants.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def top_level_imports(path: Path) -> set[str]:
    """Modules imported when ``path`` is imported (not under TYPE_CHECKING,
    not inside functions)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_models_do_not_import_services():
    """services imports the models; the other way round would be a cycle.
    models may use plain rule modules (redirect URIs, origins, resources),
    which must not import the models or services back."""
    own = {
        m for m in top_level_imports(APP / "models.py") if m.startswith("oauth_grants.")
    }
    assert "oauth_grants.services" not in own
    for module in own:
        path = APP / (module.split(".", 1)[1].replace(".", "/") + ".py")
        back = top_level_imports(path) & {
            "oauth_grants.models",
            "oauth_grants.services",
        }
        assert not back, (module, back)


def test_the_token_endpoint_does_not_run_oauthlib_dispatch():
    """Each grant reads top to bottom: oauthlib is used for its error classes."""
    for path in (APP / "grants").glob("*.py"):
        for module in imported_modules(path):
            if module.startswith("oauthlib"):
                assert module == "oauthlib.oauth2.rfc6749", (path, module)
    assert "oauth2_provider.oauth2_backends" not in imported_modules(
        APP / "views" / "token.py"
    )


@pytest.mark.django_db
def test_token_path_statements_never_read_the_password_hash():
    from oauth_grants.lookups import _ClientStatements, _Statements
    from oauth_grants.sql import for_vendor

    clients = for_vendor(_ClientStatements, connection)
    tokens = for_vendor(_Statements, connection)
    password = connection.ops.quote_name("password")
    for sql in (
        clients.client_sql,
        clients.code[1],
        clients.refresh[1],
        tokens.live_token_sql,
        tokens.caller_and_token_sql,
    ):
        assert password not in sql
