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
