"""oauth_grants' settings: one typed object, read lazily, with safe defaults.

Every value comes from ``settings.AUTHSERVER`` (a dict) unless noted:

AUTHSERVER_ISSUER (a top-level setting, required)
    The public URL of the authorization server: RFC 8414 ``issuer``, RFC
    9207 ``iss``, the ID token's ``iss``.
REFRESH_TOKEN_REUSE_GRACE_SECONDS (5)
    A rotated-out refresh token presented again within this window is a
    concurrent retry (invalid_grant, family kept); later it revokes the family.
CONSENT_REMEMBER_DAYS (90)
    A person is not asked again for scopes approved within this many days.
ID_TOKEN_LIFETIME_SECONDS (3600)
OIDC_PRIVATE_KEY ("")
    RS256 PEM signing key; empty turns OpenID Connect off.
OIDC_PUBLISHED_KEYS ("")
    More PEM keys (concatenated) published in the JWKS: next and previous.
RATE_LIMIT_WINDOW_SECONDS (60), RATE_LIMITS ({} = unlimited)
    ``{"token"|"introspect"|"revoke": {"address": N, "client": N}}``.
RATE_LIMIT_REDIS_URL ("")
    Count in this Redis directly, one pipelined round trip per request;
    empty: through the Django cache.
AUDIT_RETENTION_DAYS (365)
    ``cleartokens`` deletes audit events older than this; 0 keeps them all.
LOGIN_MAX_FAILURES_PER_ACCOUNT (5), LOGIN_LOCKOUT_SECONDS (900)
    Failed sign-ins that lock an account name, and for how long (from the
    first failure); an admin can unlock it sooner.
LOGIN_MAX_FAILURES_PER_ADDRESS (100), LOGIN_ADDRESS_WINDOW_SECONDS (900)
    Failed sign-ins from one client address that throttle it (never an
    account lock; a browser that signed in before still may).
LOGIN_KNOWN_DEVICE_DAYS (90)
    How long the "signed in from this browser before" cookie lasts.
TRUSTED_PROXIES (())
    Addresses or networks of the reverse proxies in front of the server:
    X-Forwarded-For is believed only through them (client_address.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS: dict[str, Any] = {
    "REFRESH_TOKEN_REUSE_GRACE_SECONDS": 5,
    "CONSENT_REMEMBER_DAYS": 90,
    "ID_TOKEN_LIFETIME_SECONDS": 3600,
    "OIDC_PRIVATE_KEY": "",
    "OIDC_PUBLISHED_KEYS": "",
    "RATE_LIMIT_WINDOW_SECONDS": 60,
    "RATE_LIMITS": {},
    "RATE_LIMIT_REDIS_URL": "",
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 100,
    "LOGIN_ADDRESS_WINDOW_SECONDS": 900,
    "LOGIN_LOCKOUT_SECONDS": 900,
    "LOGIN_KNOWN_DEVICE_DAYS": 90,
    "TRUSTED_PROXIES": (),
    "AUDIT_RETENTION_DAYS": 365,
}


class AppSettings:
    """Attribute access to settings.AUTHSERVER with the defaults above."""

    def __getattr__(self, name: str) -> Any:
        if name == "ISSUER":
            issuer = getattr(settings, "AUTHSERVER_ISSUER", "")
            if not issuer:
                raise ImproperlyConfigured("AUTHSERVER_ISSUER must be set")
            return issuer.rstrip("/")
        if name not in DEFAULTS:
            raise AttributeError(name)
        return getattr(settings, "AUTHSERVER", {}).get(name, DEFAULTS[name])


app_settings = AppSettings()
