"""Per-request context and Prometheus counters of the OAuth apps.

Kept in the app (not the project) so the counters travel with it; the
project's middleware (authserver/observability.py) sets the request id and
exposes everything at /metrics.
"""

from __future__ import annotations

import contextvars
import re

from prometheus_client import Counter, Histogram

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="-"
)
client_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "client_id", default=""
)
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

REQUESTS = Counter("authserver_requests_total", "HTTP requests", ["endpoint", "status"])
LATENCY = Histogram(
    "authserver_request_seconds",
    "Request latency",
    ["endpoint"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
TOKENS = Counter("authserver_tokens_issued_total", "Tokens issued", ["grant_type"])
REVOCATIONS = Counter("authserver_revocations_total", "Revocation requests")
INTROSPECTIONS = Counter(
    "authserver_introspections_total", "Introspections", ["active"]
)
ERRORS = Counter("authserver_errors_total", "Responses with status >= 500")
