"""A read-only page of the OAuth settings in force, for admins."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from oauth2_provider.settings import oauth2_settings

from oauth_grants.conf import app_settings
from oauth_grants.models import (
    DEFAULT_ACCESS_TOKEN_LIFETIME,
    DEFAULT_REFRESH_TOKEN_LIFETIME,
    DEFAULT_REFRESH_TOKEN_MAX_LIFETIME,
)
from resource_api.conf import api_settings


def _retention(days: int) -> str:
    return "%s days (cleartokens prunes older events)" % days if days else "forever"


def effective_settings(request: HttpRequest) -> HttpResponse:
    """Superusers only: the page tells how the server's defences are tuned,
    which a staff account with no permissions has no business reading."""
    if not request.user.is_superuser:
        raise PermissionDenied
    grant_types = ", ".join(oauth2_settings.OAUTH2_GRANT_TYPES_SUPPORTED)
    rows = [
        ("Issuer (RFC 8414 issuer, RFC 9207 iss)", app_settings.ISSUER),
        (
            "Authorization code lifetime",
            "%s s" % oauth2_settings.AUTHORIZATION_CODE_EXPIRE_SECONDS,
        ),
        ("PKCE", "required for every client, S256 only"),
        (
            "Access token lifetime",
            "per client (default %s s)" % DEFAULT_ACCESS_TOKEN_LIFETIME,
        ),
        (
            "Refresh tokens",
            "per client; rotated on every use; idle lifetime (default %s s) "
            "inside an absolute lifetime per sign-in (default %s s)"
            % (DEFAULT_REFRESH_TOKEN_LIFETIME, DEFAULT_REFRESH_TOKEN_MAX_LIFETIME),
        ),
        ("Audit retention", _retention(app_settings.AUDIT_RETENTION_DAYS)),
        (
            "Refresh reuse grace window",
            "%s s" % app_settings.REFRESH_TOKEN_REUSE_GRACE_SECONDS,
        ),
        ("Grant types offered", grant_types),
        ("Client secret hashing", "salted HMAC-SHA256 (client_sha256)"),
        ("Resource API introspection", api_settings.INTROSPECTION_BACKEND),
        ("Remote introspection cache bound", "%s s" % api_settings.CACHE_SECONDS),
        ("Remote introspection timeout", "%s s" % api_settings.TIMEOUT_SECONDS),
        ("Secure cookies / HSTS", "on" if settings.SESSION_COOKIE_SECURE else "off"),
    ]
    context = {**admin.site.each_context(request), "title": "Effective OAuth settings"}
    context["rows"] = rows
    return TemplateResponse(
        request, "admin/oauth_grants/effective_settings.html", context
    )
