"""resource_api's settings: one typed object, read lazily, defaults inline.

Every value comes from ``settings.RESOURCE_API`` (a dict) and is read on
each access (never at import time). ``oauth_grants/conf.py`` is written
the same way; django-oauth-toolkit's ``RESOURCE_SERVER_*`` settings are
refused by a system check naming the setting below to use instead.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


class ResourceApiSettings:
    """One property per setting, its default inline."""

    def _get(self, name: str, default: Any) -> Any:
        return getattr(settings, "RESOURCE_API", {}).get(name, default)

    @property
    def INTROSPECTION_BACKEND(self) -> str:  # noqa: N802
        """Default ``"local"``: "local" asks this deployment's database (needs
        oauth_grants installed); "remote" asks the authorization server over
        HTTP (RFC 7662)."""
        return self._get("INTROSPECTION_BACKEND", "local")

    @property
    def INTROSPECTION_URL(self) -> str:  # noqa: N802
        """Default ``""``: remote: the authorization server's /oauth/introspect."""
        return self._get("INTROSPECTION_URL", "")

    @property
    def CLIENT_ID(self) -> str:  # noqa: N802
        """Default ``""``: remote: this resource server's client id (a client flagged
        is_resource_server on the authorization server)."""
        return self._get("CLIENT_ID", "")

    @property
    def CLIENT_SECRET(self) -> str:  # noqa: N802
        """Default ``""``: remote: that client's secret."""
        return self._get("CLIENT_SECRET", "")

    @property
    def TIMEOUT_SECONDS(self) -> float:  # noqa: N802
        """Default ``2.0``: remote: connect and read timeout; past it the API
        answers 503."""
        return float(self._get("TIMEOUT_SECONDS", 2.0))

    @property
    def CACHE_SECONDS(self) -> int:  # noqa: N802
        """Default ``10``: remote: the longest an introspection answer is reused (never
        past the token's exp): the bound on how late a revocation is seen here."""
        return int(self._get("CACHE_SECONDS", 10))

    @property
    def REALM(self) -> str:  # noqa: N802
        """Default ``"authserver"``: the realm of WWW-Authenticate challenges."""
        return self._get("REALM", "authserver")

    @property
    def OPERATION_CACHE_SECONDS(self) -> int:  # noqa: N802
        """Default ``60``: how long the operation-to-scope table is kept in the
        shared cache; edits made through resource_api.services clear it at once."""
        return int(self._get("OPERATION_CACHE_SECONDS", 60))

    @property
    def OPERATION_LOCAL_SECONDS(self) -> float:  # noqa: N802
        """Default ``2``: how long each process keeps its own copy of that table:
        the longest an edit takes to reach the other processes (0: ask the
        shared cache on every request, one more round trip each)."""
        return float(self._get("OPERATION_LOCAL_SECONDS", 2))


api_settings = ResourceApiSettings()
