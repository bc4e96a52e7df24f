"""Security headers the stock middleware does not set (Django 5.2 has no CSP)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


# The views under /oauth/ (wherever oauth_grants.urls is included).
OAUTH_ENDPOINTS = frozenset(
    {
        "oauth-authorize",
        "oauth-token",
        "oauth-introspect",
        "oauth-revoke",
        "oidc-userinfo",
        "oidc-jwks",
    }
)


def is_oauth_endpoint(request: HttpRequest) -> bool:
    """True for a request that resolved to one of ``OAUTH_ENDPOINTS``."""
    match = request.resolver_match
    return (
        match is not None
        and "oauth_grants" in match.namespaces
        and match.url_name in OAUTH_ENDPOINTS
    )


class SecurityHeadersMiddleware:
    """CSP on every HTML page; no referrer and no caching on OAuth endpoints."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if is_oauth_endpoint(request):
            # Codes and state travel in these URLs: they must never reach
            # another origin. "same-origin" rather than "no-referrer": under
            # no-referrer Chromium sends `Origin: null` with the consent form's
            # POST, which CSRF protection rightly refuses (found by the
            # browser test); same-origin sends nothing to any other origin.
            response["Referrer-Policy"] = "same-origin"
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
