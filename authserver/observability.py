"""Request ids, one JSON log line per request, and Prometheus metrics.

Logs never hold a token, code or secret: the access line records the path
(never the query string), the status, the duration, the request id and the
client id the request claimed. Metrics are per process; under the
multi-process production server (deploy/serve), PROMETHEUS_MULTIPROC_DIR
makes /metrics add up every worker.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from oauth_grants.metrics import (
    ERRORS,
    LATENCY,
    REQUEST_ID_RE,
    REQUESTS,
    client_id_var,
    request_id_var,
)

access_log = logging.getLogger("authserver.access")

ENDPOINTS = (
    "/oauth/token",
    "/oauth/authorize",
    "/oauth/introspect",
    "/oauth/revoke",
    "/oauth/userinfo",
    "/api/",
    "/admin/",
    "/account/",
    "/accounts/",
)


def endpoint_label(path: str) -> str:
    """A bounded label: never the raw path (ids, junk) as a metric label."""
    for prefix in ENDPOINTS:
        if path.startswith(prefix):
            return prefix
    return "other"


class RequestObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        request_token = request_id_var.set(request_id)
        client_token = client_id_var.set("")
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            label = endpoint_label(request.path)
            REQUESTS.labels(label, str(response.status_code)).inc()
            LATENCY.labels(label).observe(elapsed)
            if response.status_code >= 500:
                ERRORS.inc()
            response["X-Request-ID"] = request_id
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path[:200],
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 2),
                    "client_id": client_id_var.get(),
                    "outcome": "success" if response.status_code < 400 else "failure",
                    "request_id": request_id,
                },
            )
            return response
        finally:
            request_id_var.reset(request_token)
            client_id_var.reset(client_token)


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    FIELDS = (
        "method",
        "path",
        "status",
        "duration_ms",
        "client_id",
        "outcome",
        "event",
    )

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for field in self.FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
