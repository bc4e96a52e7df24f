from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from tests.factories import Pkce, make_client, make_scopes, make_user


@pytest.fixture
def scopes(db):
    return make_scopes()


@pytest.fixture
def user(db):
    return make_user()


@pytest.fixture
def browser(user) -> HttpClient:
    """A person's browser, signed in as ``user``."""
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.fixture
def api() -> HttpClient:
    """A client application's HTTP stack: no cookies, no session."""
    return HttpClient()


@pytest.fixture
def confidential(db):
    return make_client(grants=["authorization_code", "client_credentials"])


@pytest.fixture
def public(db):
    from oauth_grants.models import Client

    return make_client(client_type=Client.CLIENT_PUBLIC, name="Public App")


@pytest.fixture
def pkce() -> Pkce:
    return Pkce.new()


@pytest.fixture
def resource_server(db):
    from tests.factories import make_resource_server

    return make_resource_server()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches (rate limits, lookups, tables), the
    shared one and the copies this process keeps."""
    from django.core.cache import cache

    from oauth_grants.ratelimit import local_counters_clear
    from resource_api.introspection import RemoteIntrospection
    from resource_api.operations import operations_cache_clear

    def clear() -> None:
        cache.clear()
        operations_cache_clear()
        RemoteIntrospection.local_cache_clear()
        local_counters_clear()

    clear()
    yield
    clear()
