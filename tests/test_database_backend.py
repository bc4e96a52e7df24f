"""authserver.postgresql: the health check is skipped only for a connection in use.

PostgreSQL only (the backend is PostgreSQL's). The real connection is used;
``is_usable`` is wrapped to count its calls, and still runs.
"""

from __future__ import annotations

import pytest
from django.db import close_old_connections, connection, connections

from authserver.postgresql import base as backend

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checks(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend's behaviour")
    assert isinstance(connections["default"], backend.DatabaseWrapper)
    calls: list[bool] = []
    original = backend.DatabaseWrapper.is_usable

    def counted(self) -> bool:
        usable = original(self)
        calls.append(usable)
        return usable

    monkeypatch.setattr(backend.DatabaseWrapper, "is_usable", counted)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    connection.close()
    return calls


def new_request() -> None:
    """What Django does between two requests on a persistent connection."""
    close_old_connections()


def query() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def test_a_connection_used_moments_ago_is_not_checked_again(checks):
    query()  # opens the connection (a new one is not checked)
    new_request()
    query()
    assert checks == []


def test_an_idle_connection_is_checked_before_use(checks, monkeypatch):
    query()
    new_request()
    monkeypatch.setattr(backend, "HEALTH_CHECK_BYPASS_SECONDS", 0)
    query()
    assert checks == [True]
