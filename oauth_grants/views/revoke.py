"""Token revocation (RFC 7009)."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from oauth_grants.client_address import client_address
from oauth_grants.cors import REQUEST_CLIENT, cors
from oauth_grants.metrics import REVOCATIONS
from oauth_grants.selectors import token_by_value
from oauth_grants.services import token_revoke
from oauth_grants.views.decorate import decorate_view
from oauth_grants.views.endpoint_auth import authenticate, request_problem
from oauth_grants.views.endpoint_edges import (
    NO_STORE,
    database_unavailable,
    oauth_json_error,
    rate_limited,
    unauthorized,
)

log = logging.getLogger(__name__)


@decorate_view(csrf_exempt, cors(REQUEST_CLIENT, "POST"))
class RevokeView(View):
    """A client revokes its own tokens through services.token_revoke.

    RFC 7009 §2.2: an unknown or already revoked token is not an error (200).
    A token of another client is answered the same way and left alone, so
    the endpoint is no oracle for which token values exist.
    """

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        limited = rate_limited(request, "revoke")
        if limited is not None:
            return limited
        try:
            return self._answer(request)
        except DatabaseError:
            log.warning("revocation: database error", exc_info=True)
            return database_unavailable()

    def _answer(self, request: HttpRequest) -> HttpResponse:
        client = authenticate(request, allow_public=True)
        if client is None:
            return unauthorized()
        problem = request_problem(request)
        if problem is not None:
            return problem
        value = request.POST.get("token")
        if not value:
            return oauth_json_error("invalid_request", "token is required.", 400)
        REVOCATIONS.inc()
        hint = request.POST.get("token_type_hint")
        token = token_by_value(value=value, hint=hint)
        if token is not None and token.application_id == client.pk:
            token_revoke(
                token=token, remote_addr=client_address(request), via="rfc7009"
            )
        response = HttpResponse(status=200)
        for key, val in NO_STORE.items():
            response[key] = val
        return response
