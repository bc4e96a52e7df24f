"""The error page a person sees when redirecting to the client would be
unsafe (RFC 6749 §4.1.2.1: an unknown client or redirect URI is never
redirected to), shared by the authorization and sign-out endpoints.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What each error means to the person, in their language; the description
# (oauthlib's is in English) follows as the detail.
ERROR_EXPLANATIONS = {
    "invalid_request": gettext_lazy(
        "The application sent an incomplete or malformed request."
    ),
    "invalid_client": gettext_lazy("The application is not registered here."),
    "unauthorized_client": gettext_lazy(
        "The application may not ask for access this way."
    ),
    "invalid_scope": gettext_lazy(
        "The application asked for permissions it may not have."
    ),
    "unsupported_response_type": gettext_lazy(
        "The application asked for a kind of answer this server does not give."
    ),
    "login_required": gettext_lazy("You are not signed in any more."),
    "access_denied": gettext_lazy("Access was not granted."),
}


def error_page(
    request: HttpRequest, error: str, description: str, status: int = 400
) -> HttpResponse:
    """Shown to the person when redirecting to the client would be unsafe."""
    explanation = ERROR_EXPLANATIONS.get(
        error, _("The application sent an invalid authorization request.")
    )
    return render(
        request,
        "oauth_grants/error.html",
        {"error": error, "description": description, "explanation": explanation},
        status=status,
    )
