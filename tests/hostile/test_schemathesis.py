"""schemathesis fuzzes the OAuth endpoints (hand-written description) and the API.

Bounded (few examples per operation) so CI stays fast. The check that
matters: no 5xx, whatever arrives.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from authserver.wsgi import application

SPEC = Path(__file__).resolve().parents[2] / "docs" / "oauth-openapi.yaml"

oauth_schema = schemathesis.openapi.from_path(SPEC)
oauth_schema.app = application


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """schemathesis calls the WSGI app directly, which closes connections after
    each request; inside a test transaction that would close the test's own
    connection. Django's test client detaches the same handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


BOUNDED = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.django_db
@oauth_schema.parametrize()
@BOUNDED
def test_oauth_endpoints_never_5xx(case):
    case.call_and_validate(checks=[not_a_server_error])


API_SPEC = SPEC.parent / "api-openapi.json"
api_schema = schemathesis.openapi.from_path(API_SPEC)
api_schema.app = application


@pytest.mark.django_db
@api_schema.parametrize()
@BOUNDED
def test_resource_api_never_5xx(case):
    case.headers = {**(case.headers or {}), "Authorization": "Bearer not-a-token"}
    case.call_and_validate(checks=[not_a_server_error])


@pytest.mark.django_db
def test_committed_api_description_matches_the_live_one(api):
    """Regenerate docs/api-openapi.json with `manage.py spectacular` on API changes."""
    import json

    live = api.get("/api/schema/?format=json").json()
    committed = json.loads(API_SPEC.read_text())
    assert live["paths"] == committed["paths"]
