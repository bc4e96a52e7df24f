"""Deployment checks (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_check(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Rate limits, lockouts and the introspection cache must be shared."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
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
