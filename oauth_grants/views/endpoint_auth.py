"""Shared edges of the client-authenticated JSON endpoints (introspect, revoke)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from oauth_grants.client_auth import (
    MalformedCredentials,
    load_client,
    parse_client_credentials,
    verify_client_secret,
)
from oauth_grants.models import Client
from oauth_grants.views.token import oauth_json_error

SINGLE_VALUED = ("token", "token_type_hint", "client_id", "client_secret")


def request_problem(request: HttpRequest) -> HttpResponse | None:
    """RFC 6749 §3.1 and RFC 7662/7009 §2.1: POST body only, each parameter once."""
    if request.GET:
        return oauth_json_error(
            "invalid_request", "Parameters belong in the POST body, not the URL.", 400
        )
    for name in SINGLE_VALUED:
        if len(request.POST.getlist(name)) > 1:
            return oauth_json_error(
                "invalid_request", "Parameter %s is repeated." % name, 400
            )
    return None


def unauthorized() -> HttpResponse:
    return oauth_json_error(
        "invalid_client",
        "Client authentication failed.",
        401,
        {"WWW-Authenticate": 'Basic realm="authserver"'},
    )


def presented_credentials(request: HttpRequest) -> tuple[str, str] | None:
    """(client_id, secret) from Basic or the body; None if absent or unreadable."""
    try:
        return parse_client_credentials(
            request.META.get("HTTP_AUTHORIZATION"),
            request.POST.get("client_id"),
            request.POST.get("client_secret"),
        )
    except MalformedCredentials:
        return None


def authenticate(request: HttpRequest, *, allow_public: bool) -> Client | None:
    """The authenticated client of this request, or None.

    Confidential clients prove their secret; with ``allow_public`` a public
    client may identify itself by client_id alone (RFC 7009 §2.1).
    """
    credentials = presented_credentials(request)
    if credentials is not None:
        client_id, secret = credentials
        client = load_client(client_id)
        return client if verify_client_secret(client, secret) else None
    if allow_public and "HTTP_AUTHORIZATION" not in request.META:
        client = load_client(request.POST.get("client_id"))
        if client is not None and not client.is_confidential:
            return client
    return None
