"""Stages 5 and 6: the token endpoint (RFC 6749 §3.2, §4.1.3, §4.4, §6).

The view keeps to the edges: rate limit, the RFC 6749 §3.1 parameter rules,
the JSON response and its headers, a database failure as 503. Each grant is
one module of oauth_grants/grants/, which owns its transaction.
"""

from __future__ import annotations

import json
import logging

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from oauthlib.oauth2.rfc6749 import errors

from oauth_grants.cors import REQUEST_CLIENT, cors
from oauth_grants.grants import token_response
from oauth_grants.grants.token_request import TokenRequest
from oauth_grants.views.decorate import decorate_view
from oauth_grants.views.endpoint_edges import (
    NO_STORE,
    database_unavailable,
    oauth_json_error,
    rate_limited,
    repeated_parameter,
    unauthorized,
)

log = logging.getLogger(__name__)


@decorate_view(csrf_exempt, cors(REQUEST_CLIENT, "POST"))
class TokenView(View):
    """POST /oauth/token: dispatch on grant_type (oauth_grants/grants/).

    A database failure is 503 ``temporarily_unavailable``, never a 500, and
    leaves nothing half-written (the grant's transaction rolls back).
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
        if request.GET:
            # RFC 6749 §3.2: the parameters are sent in the request body.
            return oauth_json_error(
                "invalid_request", "URL query parameters are not allowed.", 400
            )
        try:
            body = token_response(TokenRequest.from_http(request))
        except errors.OAuth2Error as error:
            return oauth_error(error)
        except DatabaseError:
            log.warning("token endpoint: database error", exc_info=True)
            return database_unavailable()
        except (ValueError, UnicodeError):
            return oauth_json_error("invalid_request", "The request is malformed.", 400)
        response = HttpResponse(json.dumps(body), content_type="application/json")
        for key, value in NO_STORE.items():
            response[key] = value
        return response


def oauth_error(error: errors.OAuth2Error) -> HttpResponse:
    """RFC 6749 §5.2; invalid_client answers the scheme we accept (Basic)."""
    if error.status_code == 401:
        return unauthorized()
    return oauth_json_error(error.error, error.description or "", error.status_code)
