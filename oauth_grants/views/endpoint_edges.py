"""What every JSON endpoint of the server (token, introspect, revoke) shares.

The RFC 6749 §5.2 error body and its headers, the 429 of a rate limit, the
503 of an unreachable database, and the RFC 6749 §3.1 rule that no
parameter appears twice. One home for each, so the endpoints cannot drift
apart (a ``Retry-After`` of 5 on one and 1 on another, say).
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse

from oauth_grants.client_address import client_address
from oauth_grants.client_auth import claimed_client_id
from oauth_grants.limits import UNAVAILABLE_RETRY_AFTER_SECONDS
from oauth_grants.metrics import client_id_var
from oauth_grants.ratelimit import rate_limit_check

# RFC 6749 §5.1: token responses, and every error, are not to be cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_json_error(
    error: str, description: str, status: int, headers: dict[str, str] | None = None
) -> HttpResponse:
    """An RFC 6749 §5.2 error body with the headers every OAuth response carries."""
    response = HttpResponse(
        json.dumps({"error": error, "error_description": description}),
        status=status,
        content_type="application/json",
    )
    for key, value in {**NO_STORE, **(headers or {})}.items():
        response[key] = value
    return response


def too_many_requests(retry_after: int) -> HttpResponse:
    return oauth_json_error(
        "temporarily_unavailable",
        "Too many requests; retry after the indicated time.",
        429,
        {"Retry-After": str(max(1, retry_after))},
    )


def rate_limited(request: HttpRequest, endpoint: str) -> HttpResponse | None:
    """429 if this request is over the endpoint's per-address or per-client limit."""
    client_id = claimed_client_id(
        request.META.get("HTTP_AUTHORIZATION"), request.POST.get("client_id")
    )
    client_id_var.set(client_id or "")
    verdict = rate_limit_check(
        endpoint=endpoint,
        address=client_address(request),
        client_id=client_id,
    )
    return None if verdict.allowed else too_many_requests(verdict.retry_after)


def repeated_parameter(request: HttpRequest) -> str | None:
    """RFC 6749 §3.1: no parameter more than once, across the query and the body."""
    seen: set[str] = set()
    for params in (request.GET, request.POST):
        for key, values in params.lists():
            if len(values) > 1 or key in seen:
                return key
            seen.add(key)
    return None


def database_unavailable() -> HttpResponse:
    return oauth_json_error(
        "temporarily_unavailable",
        "The server cannot reach its database; retry shortly.",
        503,
        {"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)},
    )


def unauthorized() -> HttpResponse:
    """RFC 6749 §5.2 invalid_client, challenging the scheme we accept (Basic)."""
    return oauth_json_error(
        "invalid_client",
        "Client authentication failed.",
        401,
        {"WWW-Authenticate": 'Basic realm="authserver"'},
    )
