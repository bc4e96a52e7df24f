"""System checks: django-oauth-toolkit settings this server would ignore, the
Redis package when Redis is configured, sign-in lockout on every password
backend, and a shared cache (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_check(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Rate limits, lockouts and the introspection cache must be shared."""
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    if backend.endswith("LocMemCache") or backend.endswith("DummyCache"):
        return [
            checks.Warning(
                "The default cache is per process: rate limits, sign-in lockouts "
                "and cached introspections are not shared between processes.",
                hint="Set REDIS_URL (a shared cache) in production.",
                id="oauth_grants.W001",
            )
        ]
    return []


# django-oauth-toolkit settings whose behaviour this project carries out
# itself: setting one in OAUTH2_PROVIDER would change nothing, so it is an
# error that names what to set instead.
REPLACED_DOT_SETTINGS: dict[str, str] = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": (
        "each client's access_token_lifetime (admin, or create_client "
        "--access-token-lifetime)"
    ),
    "REFRESH_TOKEN_EXPIRE_SECONDS": "each client's refresh_token_lifetime (admin)",
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": (
        'AUTHSERVER["REFRESH_TOKEN_REUSE_GRACE_SECONDS"] (AUTHSERVER_REFRESH_GRACE_S)'
    ),
    "ID_TOKEN_EXPIRE_SECONDS": (
        'AUTHSERVER["ID_TOKEN_LIFETIME_SECONDS"] (AUTHSERVER_ID_TOKEN_LIFETIME_S)'
    ),
    "OIDC_ENABLED": (
        'AUTHSERVER["OIDC_PRIVATE_KEY"] (AUTHSERVER_OIDC_PRIVATE_KEY): OpenID '
        "Connect is on when a signing key is set"
    ),
    "OIDC_RSA_PRIVATE_KEY": (
        'AUTHSERVER["OIDC_PRIVATE_KEY"] (AUTHSERVER_OIDC_PRIVATE_KEY)'
    ),
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": (
        'AUTHSERVER["OIDC_PUBLISHED_KEYS"] (AUTHSERVER_OIDC_PUBLISHED_KEYS)'
    ),
    "OIDC_ISS_ENDPOINT": "AUTHSERVER_ISSUER",
    "OIDC_USERINFO_ENDPOINT": (
        "AUTHSERVER_ISSUER and where oauth_grants.urls is included: every "
        "endpoint URL in the metadata is built from them"
    ),
    "OIDC_JWKS_MAX_AGE_SECONDS": "nothing: the JWKS is served with max-age=300",
    "SCOPES": "Scope rows (manage.py create_scope, or the admin)",
    "DEFAULT_SCOPES": "each client's allowed scopes (admin, create_client --scope)",
    "READ_SCOPE": "Scope rows and the API's operation-to-scope table (admin)",
    "WRITE_SCOPE": "Scope rows and the API's operation-to-scope table (admin)",
    "REQUEST_APPROVAL_PROMPT": (
        'AUTHSERVER["CONSENT_REMEMBER_DAYS"] (AUTHSERVER_CONSENT_REMEMBER_DAYS); '
        "clients send prompt=consent to ask again"
    ),
    "CLEAR_EXPIRED_TOKENS_BATCH_SIZE": "manage.py cleartokens --batch-size",
    "CLEAR_EXPIRED_TOKENS_BATCH_INTERVAL": (
        "manage.py cleartokens --batch-size (it deletes in short transactions "
        "and needs no pause)"
    ),
    "RESOURCE_SERVER_INTROSPECTION_URL": 'RESOURCE_API["INTROSPECTION_URL"]',
    "RESOURCE_SERVER_AUTH_TOKEN": (
        'RESOURCE_API["CLIENT_ID"] and RESOURCE_API["CLIENT_SECRET"]'
    ),
    "RESOURCE_SERVER_INTROSPECTION_CREDENTIALS": (
        'RESOURCE_API["CLIENT_ID"] and RESOURCE_API["CLIENT_SECRET"]'
    ),
    "RESOURCE_SERVER_TOKEN_CACHING_SECONDS": 'RESOURCE_API["CACHE_SECONDS"]',
    "RESOURCE_SERVER_TOKEN_RESOURCE_VALIDATOR": (
        "nothing: resource indicators (RFC 8707) are not offered"
    ),
    "AUTHENTICATION_SERVER_EXP_TIME_ZONE": (
        "nothing: remote introspection reads exp as UTC (RFC 7662 §2.2)"
    ),
    "DCR_ENABLED": "the admin or manage.py create_client to register clients",
    "CIMD_ENABLED": "the admin or manage.py create_client to register clients",
    "DEVICE_FLOW_INTERVAL": "nothing: the device flow is not offered",
    "OAUTH_DEVICE_VERIFICATION_URI": "nothing: the device flow is not offered",
    "OAUTH_DEVICE_VERIFICATION_URI_COMPLETE": (
        "nothing: the device flow is not offered"
    ),
    "EXTRA_SERVER_KWARGS": (
        "nothing: oauth_grants.server.AuthorizationServer takes no extra "
        "arguments (token lifetimes are each client's policy)"
    ),
    "ALLOW_URI_WILDCARDS": (
        "nothing: redirect URIs match exactly (RFC 9700 §4.1.3; "
        "oauth_grants/redirect_uris.py)"
    ),
    "ALLOW_LOCALHOST_LOOPBACK": (
        "nothing: loopback redirect URIs follow RFC 8252 §7.3 "
        "(oauth_grants/redirect_uris.py)"
    ),
}

# Settings the project sets (oauth_grants.presets) and always enforces: any
# other value would be ignored, so it is an error.
ENFORCED_DOT_SETTINGS: dict[str, tuple[object, str]] = {
    "PKCE_REQUIRED": (True, "PKCE with S256 is required of every client"),
    "ROTATE_REFRESH_TOKEN": (
        True,
        "refresh tokens always rotate; a client's issue_refresh_tokens decides "
        "whether it gets them",
    ),
    "REFRESH_TOKEN_REUSE_PROTECTION": (
        True,
        "a reused refresh token always revokes its family (RFC 9700 §4.14.2)",
    ),
}


@checks.register(checks.Tags.compatibility)
def dot_settings_check(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """django-oauth-toolkit settings this server would silently ignore.

    Only keys present in ``settings.OAUTH2_PROVIDER`` count: DOT's defaults
    for them are never read here.
    """
    given: dict[str, Any] = getattr(settings, "OAUTH2_PROVIDER", None) or {}
    errors: list[checks.CheckMessage] = []
    for name, instead in REPLACED_DOT_SETTINGS.items():
        if name in given:
            errors.append(
                checks.Error(
                    "OAUTH2_PROVIDER[%r] is not used by oauth_grants." % name,
                    hint="Remove it; use %s instead." % instead,
                    id="oauth_grants.E001",
                )
            )
    for name, (value, reason) in ENFORCED_DOT_SETTINGS.items():
        if name in given and given[name] != value:
            errors.append(
                checks.Error(
                    "OAUTH2_PROVIDER[%r] = %r is not honoured: %s."
                    % (name, given[name], reason),
                    hint="Remove it (oauth_grants.presets sets %r)." % value,
                    id="oauth_grants.E002",
                )
            )
    return errors


def _redis_wanted() -> list[str]:
    """Which settings ask for Redis (the rate limits' own URL, a Redis cache)."""
    from oauth_grants.conf import app_settings

    wanted = []
    if app_settings.RATE_LIMIT_REDIS_URL:
        wanted.append("AUTHSERVER['RATE_LIMIT_REDIS_URL']")
    for alias, cache in getattr(settings, "CACHES", {}).items():
        backend = str(cache.get("BACKEND", ""))
        if "redis" in backend.lower():
            wanted.append("CACHES[%r] (%s)" % (alias, backend))
    return wanted


@checks.register(checks.Tags.caches, "authserver_startup")
def redis_package_check(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Redis configured but the ``redis`` package missing is an error.

    Without it the rate limits were silently off (a limit of 1 let every
    request through with a log line). The wheel's ``redis`` extra brings it:
    ``pip install authserver-apps[redis]``. Run at start-up too (authserver/
    wsgi.py), since a WSGI server does not run system checks.
    """
    wanted = _redis_wanted()
    if not wanted:
        return []
    try:
        import redis  # noqa: F401
    except ImportError:
        return [
            checks.Error(
                "Redis is configured (%s) but the 'redis' package is not "
                "installed: rate limits, lockout counters and the cache would "
                "not work." % ", ".join(wanted),
                hint="pip install 'authserver-apps[redis]' (or redis and hiredis).",
                id="oauth_grants.E010",
            )
        ]
    return []


@checks.register(checks.Tags.security)
def signin_lockout_check(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Every password backend must count failures and honour the lockout."""
    from django.contrib.auth import load_backend
    from django.contrib.auth.backends import ModelBackend

    from oauth_grants.auth_backends import LockoutBackendMixin

    unguarded = [
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if isinstance(load_backend(path), ModelBackend)
        and not isinstance(load_backend(path), LockoutBackendMixin)
    ]
    if not unguarded:
        return []
    return [
        checks.Warning(
            "These authentication backends check passwords without the sign-in "
            "lockout: %s." % ", ".join(unguarded),
            hint="Use oauth_grants.auth_backends.LockoutModelBackend, or derive "
            "your backend from LockoutBackendMixin.",
            id="oauth_grants.W010",
        )
    ]


def refuse_to_start_if_misconfigured() -> None:
    """Raise ImproperlyConfigured on an error a server must not start with.

    A WSGI or ASGI server runs no system checks; authserver/wsgi.py and
    asgi.py call this after loading the application.
    """
    from django.core.exceptions import ImproperlyConfigured

    errors = [
        message
        for message in checks.run_checks(tags=["authserver_startup"])
        if message.is_serious()
    ]
    if errors:
        raise ImproperlyConfigured("; ".join(str(error) for error in errors))
