"""The authorization request behind a page: which app, which language.

The sign-in page is reached with ``next`` pointing at /oauth/authorize, and
the consent form posts back the id of a request parked in the session; both
pages are about that request, so they name its client and speak the language
its ``ui_locales`` asked for (OpenID Connect Core §3.1.2.1), before the
browser's Accept-Language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from oauth_grants.models import Client

PENDING_KEY = "oauth_pending"
MAX_UI_LOCALES_LENGTH = 200


def authorization_params(url: str) -> dict[str, str] | None:
    """The query of ``url`` if it is this server's authorization endpoint."""
    if not isinstance(url, str) or len(url) > 8000:
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or parts.path != reverse("oauth-authorize"):
        return None
    query = parse_qs(parts.query, keep_blank_values=True)
    return {key: values[0] for key, values in query.items() if len(values) == 1}


def sign_in_client(*, next_url: str) -> Client | None:
    """The enabled client whose authorization request sent the person to sign in."""
    params = authorization_params(next_url) or {}
    client_id = params.get("client_id", "")
    if not client_id or len(client_id) > 100:
        return None
    return Client.objects.filter(client_id=client_id, enabled=True).first()


def language_from_ui_locales(value: object) -> str | None:
    """The first supported language of a space-separated ui_locales list."""
    if not isinstance(value, str):
        return None
    for tag in value[:MAX_UI_LOCALES_LENGTH].split():
        try:
            return translation.get_supported_language_variant(tag)
        except LookupError:
            continue
    return None


def requested_ui_locales(request: HttpRequest) -> str | None:
    """ui_locales of the authorization request this request belongs to, if any."""
    if request.path == reverse("oauth-authorize"):
        if request.method == "GET":
            return request.GET.get("ui_locales")
        pending = getattr(request, "session", {}).get(PENDING_KEY, {})
        parked = pending.get(request.POST.get("request_id", ""))
        return parked.get("ui_locales") if isinstance(parked, dict) else None
    if request.path == reverse("login"):
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        return (authorization_params(next_url) or {}).get("ui_locales")
    return None


class UiLocalesMiddleware:
    """After LocaleMiddleware: ui_locales, when the page belongs to an authorization
    request, wins over Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        language = language_from_ui_locales(requested_ui_locales(request))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
