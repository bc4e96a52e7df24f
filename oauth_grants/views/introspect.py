"""Stage 8, server side: token introspection (RFC 7662)."""

from __future__ import annotations

import json
import logging

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from oauth_grants.client_address import client_address
from oauth_grants.client_auth import verify_client_secret
from oauth_grants.lookups import LiveToken
from oauth_grants.metrics import INTROSPECTIONS
from oauth_grants.models import AuditEvent, Client
from oauth_grants.resources import audience_claim
from oauth_grants.selectors import introspection_lookup
from oauth_grants.services import audit_record
from oauth_grants.views.decorate import decorate_view
from oauth_grants.views.endpoint_auth import presented_credentials, request_problem
from oauth_grants.views.endpoint_edges import (
    NO_STORE,
    database_unavailable,
    rate_limited,
    unauthorized,
)

log = logging.getLogger(__name__)
INACTIVE = b'{"active": false}'


def introspection_response(token: LiveToken | None) -> bytes:
    """RFC 7662 §2.2 body: the token's claims if it is live, else exactly inactive."""
    INTROSPECTIONS.labels("true" if token is not None else "false").inc()
    if token is None:
        return INACTIVE
    claims = {
        "active": True,
        "scope": token.scope,
        "client_id": token.client_id,
        "token_type": "Bearer",
        "exp": int(token.expires.timestamp()),
        "iat": int(token.created.timestamp()),
        **audience_claim(token.audience),
    }
    if token.user is not None:
        claims["sub"] = str(token.user.pk)
        claims["username"] = token.user.get_username()
        if "profile" in token.scopes:
            # What a remote resource server needs to answer /api/v1/me.
            claims["name"] = token.user.get_full_name()
            claims["email"] = token.user.email
    return json.dumps(claims).encode()


@decorate_view(csrf_exempt)
class IntrospectView(View):
    """Only resource servers (``Client.is_resource_server``) may ask.

    Every other caller gets 401 and learns nothing about the token, whatever
    else it sends. Only access tokens are introspected: a refresh token is
    never a credential at a resource server, so it answers inactive.
    """

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        limited = rate_limited(request, "introspect")
        if limited is not None:
            return limited
        try:
            return self._answer(request)
        except DatabaseError:
            log.warning("introspection: database error", exc_info=True)
            return database_unavailable()

    def _answer(self, request: HttpRequest) -> HttpResponse:
        client, token = self._authenticate(request)
        if client is None or not client.is_resource_server:
            audit_record(
                event=AuditEvent.Type.INTROSPECTION_REFUSED,
                outcome=AuditEvent.Outcome.FAILURE,
                client=client,
                client_identifier=request.POST.get("client_id") or "",
                remote_addr=client_address(request),
            )
            return unauthorized()
        problem = request_problem(request)
        if problem is not None:
            return problem
        response = HttpResponse(
            introspection_response(token), content_type="application/json"
        )
        for key, value in NO_STORE.items():
            response[key] = value
        return response

    def _authenticate(
        self, request: HttpRequest
    ) -> tuple[Client | None, LiveToken | None]:
        """The authenticated caller and the token it asks about, in one query.

        The token is fetched with the client, before its secret is checked,
        and dropped unless the check passes.
        """
        credentials = presented_credentials(request)
        if credentials is None:
            return None, None
        client_id, secret = credentials
        client, token = introspection_lookup(
            client_id=client_id, value=request.POST.get("token")
        )
        if not verify_client_secret(client, secret):
            return None, None
        return client, token
