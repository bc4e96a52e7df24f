"""Health, readiness, metrics and logs (issue 8)."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client as HttpClient

from authserver.observability import JsonFormatter
from tests.factories import issue_client_token

pytestmark = pytest.mark.django_db


def test_healthz_and_readyz():
    http = HttpClient()
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = http.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ok"}


def test_readyz_is_503_without_detail_when_the_cache_is_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "authserver.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = HttpClient().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_metrics_count_tokens_and_are_not_public(api, confidential):
    issue_client_token(api, confidential, "profile")
    local = HttpClient(REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert local.status_code == 200
    body = local.content.decode()
    assert 'authserver_tokens_issued_total{grant_type="client_credentials"}' in body
    assert "authserver_request_seconds_bucket" in body
    outside = HttpClient(REMOTE_ADDR="203.0.113.9").get("/metrics")
    assert outside.status_code == 404


def test_every_response_has_a_request_id_and_keeps_a_sane_incoming_one(api):
    assert len(api.get("/healthz")["X-Request-ID"]) == 32
    assert api.get("/healthz", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    injected = api.get("/healthz", HTTP_X_REQUEST_ID='x"\n{evil}')["X-Request-ID"]
    assert injected != 'x"\n{evil}'


def test_access_log_is_json_with_client_and_never_a_token(api, confidential, caplog):
    caplog.set_level(logging.INFO, logger="authserver.access")
    token = issue_client_token(api, confidential, "profile")["access_token"]
    lines = [
        JsonFormatter().format(r)
        for r in caplog.records
        if r.name == "authserver.access"
    ]
    entry = json.loads(lines[-1])
    assert entry["path"] == "/oauth/token"
    assert entry["status"] == 200
    assert entry["client_id"] == confidential.client_id
    assert len(entry["request_id"]) == 32
    assert all(token not in line and confidential.secret not in line for line in lines)
