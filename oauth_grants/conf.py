"""oauth_grants' settings: one typed object, read lazily, defaults inline.

Every value comes from ``settings.AUTHSERVER`` (a dict) unless noted, and
is read on each access (never at import time), so tests and
``override_settings`` see changes at once. ``resource_api/conf.py`` is
written the same way.

django-oauth-toolkit settings that these replace are refused by a system
check naming the setting to use instead (``oauth_grants/checks.py``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class AuthServerSettings:
    """One property per setting, its default inline."""

    def _get(self, name: str, default: Any) -> Any:
        return getattr(settings, "AUTHSERVER", {}).get(name, default)

    @property
    def ISSUER(self) -> str:  # noqa: N802
        """``AUTHSERVER_ISSUER`` (a top-level setting, required): the public URL
        of the authorization server, RFC 8414 ``issuer``, RFC 9207 ``iss``,
        the ID token's ``iss``."""
        issuer = getattr(settings, "AUTHSERVER_ISSUER", "")
        if not issuer:
            raise ImproperlyConfigured("AUTHSERVER_ISSUER must be set")
        return str(issuer).rstrip("/")

    @property
    def REFRESH_TOKEN_REUSE_GRACE_SECONDS(self) -> int:  # noqa: N802
        """Default ``5``: a rotated-out refresh token presented again within
        this window is a concurrent retry (invalid_grant, family kept); later
        it revokes the family (RFC 9700 §4.14.2)."""
        return int(self._get("REFRESH_TOKEN_REUSE_GRACE_SECONDS", 5))

    @property
    def CONSENT_REMEMBER_DAYS(self) -> int:  # noqa: N802
        """Default ``90``: a person is not asked again for scopes approved
        within this many days."""
        return int(self._get("CONSENT_REMEMBER_DAYS", 90))

    @property
    def ID_TOKEN_LIFETIME_SECONDS(self) -> int:  # noqa: N802
        """Default ``3600``: the ID token's ``exp`` minus its ``iat``."""
        return int(self._get("ID_TOKEN_LIFETIME_SECONDS", 3600))

    @property
    def OIDC_PRIVATE_KEY(self) -> str:  # noqa: N802
        """Default ``""``: the RS256 PEM signing key; empty turns OpenID
        Connect off."""
        return str(self._get("OIDC_PRIVATE_KEY", ""))

    @property
    def OIDC_PUBLISHED_KEYS(self) -> str:  # noqa: N802
        """Default ``""``: more PEM keys (concatenated) published in the
        JWKS: the next key before a rotation, the previous one after."""
        return str(self._get("OIDC_PUBLISHED_KEYS", ""))

    @property
    def RATE_LIMIT_WINDOW_SECONDS(self) -> int:  # noqa: N802
        """Default ``60``: the window the rate limits count in."""
        return int(self._get("RATE_LIMIT_WINDOW_SECONDS", 60))

    @property
    def RATE_LIMITS(self) -> dict[str, dict[str, int]]:  # noqa: N802
        """Default ``{}`` (unlimited): requests per window, as
        ``{"token"|"introspect"|"revoke": {"address": N, "client": N}}``."""
        return dict(self._get("RATE_LIMITS", {}))

    @property
    def RATE_LIMIT_REDIS_URL(self) -> str:  # noqa: N802
        """Default ``""``: count in this Redis directly; empty: through the
        Django cache."""
        return str(self._get("RATE_LIMIT_REDIS_URL", ""))

    @property
    def AUDIT_RETENTION_DAYS(self) -> int:  # noqa: N802
        """Default ``365``: ``cleartokens`` deletes audit events older than
        this; 0 keeps them all."""
        return int(self._get("AUDIT_RETENTION_DAYS", 365))

    @property
    def LOGIN_MAX_FAILURES_PER_ACCOUNT(self) -> int:  # noqa: N802
        """Default ``5``: failed sign-ins that lock an account name (for
        LOGIN_LOCKOUT_SECONDS from the first failure; an admin can unlock it
        sooner)."""
        return int(self._get("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5))

    @property
    def LOGIN_LOCKOUT_SECONDS(self) -> int:  # noqa: N802
        """Default ``900``: how long an account lock lasts."""
        return int(self._get("LOGIN_LOCKOUT_SECONDS", 900))

    @property
    def LOGIN_MAX_FAILURES_PER_ADDRESS(self) -> int:  # noqa: N802
        """Default ``100``: failed sign-ins from one client address that
        throttle it (never an account lock; a browser that signed in before
        still may)."""
        return int(self._get("LOGIN_MAX_FAILURES_PER_ADDRESS", 100))

    @property
    def LOGIN_ADDRESS_WINDOW_SECONDS(self) -> int:  # noqa: N802
        """Default ``900``: the window those per-address failures count in."""
        return int(self._get("LOGIN_ADDRESS_WINDOW_SECONDS", 900))

    @property
    def LOGIN_KNOWN_DEVICE_DAYS(self) -> int:  # noqa: N802
        """Default ``90``: how long the "signed in from this browser before"
        cookie lasts."""
        return int(self._get("LOGIN_KNOWN_DEVICE_DAYS", 90))

    @property
    def TRUSTED_PROXIES(self) -> tuple[str, ...]:  # noqa: N802
        """Default ``()``: addresses or networks of the reverse proxies in
        front of the server: X-Forwarded-For is believed only through them
        (``client_address.py``)."""
        return tuple(self._get("TRUSTED_PROXIES", ()))

    @property
    def CLIENT_SECRET_DISPLAY_SECONDS(self) -> int:  # noqa: N802
        """Default ``600``: how long the admin's "secret shown once" page waits
        for its one display after a client is registered or its secret
        regenerated."""
        return int(self._get("CLIENT_SECRET_DISPLAY_SECONDS", 600))


app_settings = AuthServerSettings()
