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
    "noderedis_client_credentials": "node-oidc-provider+Redis: client_credentials",
    "noderedis_introspection": "node-oidc-provider+Redis: introspection",
    "dot_client_credentials": "stock DOT: client_credentials",
    "dot_introspection": "stock DOT: introspection",
    "fastdot_client_credentials": "DOT for speed: client_credentials",
    "fastdot_introspection": "DOT for speed: introspection",
    "fastdot_code_exchange": "DOT for speed: authorization code exchange",
    "fastdot_refresh": "DOT for speed: refresh",
    "fastdot_consent": "DOT for speed: consent page (signed in)",
    "gunicorn_bare": "gunicorn sync: bare view",
    "gunicorn_client_credentials": "gunicorn sync: client_credentials",
    "gunicorn_introspection": "gunicorn sync: introspection",
}

# The peers, in table order: key prefix -> the column heading of "ours over
# the peer" (bench/runs.py starts each; bench/report.py prints the ratios).
PEERS: dict[str, str] = {
    "node": "x node mem",
    "noderedis": "x node Redis",
    "dot": "x DOT",
    "fastdot": "x DOT fast",
}

# The operations the peers run too: each has a row "<peer>_<operation>".
PEER_OPERATIONS = ("client_credentials", "introspection")
# DOT configured for speed also runs these (stock DOT, at a few requests a
# second, would measure nothing in a 10 s run).
FASTDOT_OPERATIONS = (*PEER_OPERATIONS, "code_exchange", "refresh", "consent")


def peer_row(key: str, peer: str) -> str | None:
    """The peer's row for the same operation as our row ``key``, if it has one."""
    operations = FASTDOT_OPERATIONS if peer == "fastdot" else PEER_OPERATIONS
    return "%s_%s" % (peer, key) if key in operations else None
