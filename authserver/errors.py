"""Error pages: a database that is down is 503, never a 500."""

from __future__ import annotations

import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from oauth_grants.limits import UNAVAILABLE_RETRY_AFTER_SECONDS

JSON_PREFIXES = ("/oauth/", "/api/", "/.well-known/")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called inside Django's except block, so the error is at hand."""
    error = sys.exc_info()[1]
    unavailable = isinstance(error, DatabaseError)
    status = 503 if unavailable else 500
    response: HttpResponse
    if request.path.startswith(JSON_PREFIXES):
        response = JsonResponse(
            {
                "error": "temporarily_unavailable" if unavailable else "server_error",
                "error_description": "The service is temporarily unavailable."
                if unavailable
                else "The server met an unexpected condition.",
            },
            status=status,
        )
        response["Cache-Control"] = "no-store"
    else:
        response = render(
            request, "503.html" if unavailable else "500.html", status=status
        )
    if unavailable:
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
    return response
