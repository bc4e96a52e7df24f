"""Stages 5 and 6: the token endpoint (RFC 6749 §3.2, §4.1.3, §4.4, §6)."""

from __future__ import annotations

import json
import logging

from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.oauth2_backends import get_oauthlib_core

from oauth_grants.client_address import client_address
from oauth_grants.client_auth import claimed_client_id
from oauth_grants.cors import REQUEST_CLIENT, cors
from oauth_grants.metrics import client_id_var
from oauth_grants.ratelimit import rate_limit_check

log = logging.getLogger(__name__)

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
        {"Retry-After": "1"},
    )


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(cors(REQUEST_CLIENT, "POST"), name="dispatch")
class TokenView(View):
    """oauthlib does the protocol; this view adds the transaction and the edges.

    The whole request runs in one transaction: the validator locks the code or
    refresh token it redeems, so concurrent redemptions serialise and exactly
    one wins. A database failure is 503 ``temporarily_unavailable``, never a
    500, and leaves nothing half-written.
    """

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        limited = rate_limited(request, "token")
        if limited is not None:
            return limited
        repeated = repeated_parameter(request)
        if repeated is not None:
            return oauth_json_error(
                "invalid_request", "Parameter %s is repeated." % repeated[:40], 400
            )
        core = get_oauthlib_core()
        try:
            with transaction.atomic():
                _uri, headers, body, status = core.create_token_response(request)
        except DatabaseError:
            log.warning("token endpoint: database error", exc_info=True)
            return database_unavailable()
        except (ValueError, UnicodeError):
            return oauth_json_error("invalid_request", "The request is malformed.", 400)
        response = HttpResponse(body, status=status, content_type="application/json")
        for key, value in headers.items():
            response[key] = value
        for key, value in NO_STORE.items():
            response[key] = value
        if status == 401:
            # RFC 6749 §5.2: invalid_client answers the scheme the client used
            # (we accept Basic); oauthlib would say Bearer.
            response["WWW-Authenticate"] = 'Basic realm="authserver"'
        return response
