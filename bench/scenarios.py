"""The scenarios of `make bench`: their keys and labels, in table order.

One list shared by the driver (bench/bench.py), the query counter
(bench/query_counts.py) and the report (bench/report.py), so a row of one
is always the same scenario in the others.
"""

from __future__ import annotations

LABELS: dict[str, str] = {
    "bare": "bare Django JSON view (/healthz)",
    "client_credentials": "client_credentials",
    "code_exchange": "authorization code exchange",
    "refresh": "refresh",
    "introspection": "introspection",
    "me_local": "GET /api/v1/me (local introspection)",
    "me_remote_hit": "GET /api/v1/me (remote, cache hit)",
    "me_remote_miss": "GET /api/v1/me (remote, cache miss)",
    "consent": "consent page (signed in)",
    "node_client_credentials": "node-oidc-provider: client_credentials",
    "node_introspection": "node-oidc-provider: introspection",
    "dot_client_credentials": "stock DOT: client_credentials",
    "dot_introspection": "stock DOT: introspection",
    "gunicorn_bare": "gunicorn sync: bare view",
    "gunicorn_client_credentials": "gunicorn sync: client_credentials",
    "gunicorn_introspection": "gunicorn sync: introspection",
}

# Our scenario -> the peers' scenario with the same operation.
PEER_OF: dict[str, tuple[str, str]] = {
    "client_credentials": ("node_client_credentials", "dot_client_credentials"),
    "introspection": ("node_introspection", "dot_introspection"),
}
