"""Client authentication and request rules of introspection and revocation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from oauth_grants.client_auth import (
    ClientAuthFailed,
    MalformedCredentials,
    authenticate_client,
    load_client,
    loaded_clients,
    parse_client_credentials,
    remembering,
)
from oauth_grants.models import Client
from oauth_grants.views.endpoint_edges import oauth_json_error

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
    try:
        return authenticate_client(
            authorization=request.META.get("HTTP_AUTHORIZATION"),
            client_id=request.POST.get("client_id"),
            client_secret=request.POST.get("client_secret"),
            allow_public=allow_public,
            load=remembering(load_client, loaded_clients(request)),
        )
    except ClientAuthFailed:
        return None
