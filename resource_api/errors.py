"""RFC 6750 §3 challenges on the API's error responses."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from oauth_grants.limits import UNAVAILABLE_RETRY_AFTER_SECONDS
from resource_api.authentication import InvalidToken, challenge
from resource_api.permissions import InsufficientScope


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, InvalidToken):
        response["WWW-Authenticate"] = challenge(
            context["request"], "invalid_token", str(exc.detail)
        )
        response.data = {"error": "invalid_token", "error_description": exc.detail}
    elif isinstance(exc, InsufficientScope):
        response["WWW-Authenticate"] = challenge(
            context["request"], "insufficient_scope", str(exc.detail), exc.needed
        )
        response.data = {
            "error": "insufficient_scope",
            "error_description": exc.detail,
            "scope": exc.needed,
        }
    elif isinstance(exc, exceptions.NotAuthenticated):
        response.data = {"error": "invalid_request", "error_description": exc.detail}
    elif response.status_code == 503 and isinstance(exc, exceptions.APIException):
        response.data = {
            "error": "temporarily_unavailable",
            "error_description": exc.detail,
        }
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
