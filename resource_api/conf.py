"""resource_api's settings: one typed object, read lazily from settings.RESOURCE_API.

INTROSPECTION_BACKEND ("local")
    "local" asks this deployment's database (needs oauth_grants installed);
    "remote" asks the authorization server over HTTP (RFC 7662).
INTROSPECTION_URL ("")
    remote: the authorization server's /oauth/introspect.
CLIENT_ID, CLIENT_SECRET ("")
    remote: this resource server's credentials (a client flagged
    is_resource_server on the authorization server).
TIMEOUT_SECONDS (2.0)
    remote: connect and read timeout; past it the API answers 503.
CACHE_SECONDS (10)
    remote: the longest an introspection answer is reused (never past the
    token's exp): the bound on how late a revocation is seen here.
REALM ("authserver")
    the realm of WWW-Authenticate challenges.
OPERATION_CACHE_SECONDS (60)
    how long the operation-to-scope table is kept in the shared cache; edits
    made through resource_api.services clear it at once.
IDENTIFIER ("")
    this API's resource identifier (RFC 8707, RFC 9728 ``resource``), e.g.
    ``https://api.example.com/api/v1/``. Empty: the URL of the API's root as
    this request reached it. A token with another audience is refused.
REQUIRE_AUDIENCE (False)
    refuse tokens that carry no audience at all (issued without ``resource``).
AUTHORIZATION_SERVER ("")
    the issuer of the authorization server, published in the protected
    resource metadata (RFC 9728 ``authorization_servers``).
CORS_ALLOWED_ORIGINS ([])
    browser apps' origins that may call the API (CORS); ``*`` for any: the
    API takes bearer tokens only, never cookies.
OPERATION_LOCAL_SECONDS (2)
    how long each process keeps its own copy of that table: the longest an
    edit takes to reach the other processes (0: ask the shared cache on
    every request, one more round trip each).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


class ResourceApiSettings:
    def _get(self, name: str, default: Any) -> Any:
        return getattr(settings, "RESOURCE_API", {}).get(name, default)

    @property
    def INTROSPECTION_BACKEND(self) -> str:  # noqa: N802
        return self._get("INTROSPECTION_BACKEND", "local")

    @property
    def INTROSPECTION_URL(self) -> str:  # noqa: N802
        return self._get("INTROSPECTION_URL", "")

    @property
    def CLIENT_ID(self) -> str:  # noqa: N802
        return self._get("CLIENT_ID", "")

    @property
    def CLIENT_SECRET(self) -> str:  # noqa: N802
        return self._get("CLIENT_SECRET", "")

    @property
    def TIMEOUT_SECONDS(self) -> float:  # noqa: N802
        return float(self._get("TIMEOUT_SECONDS", 2.0))

    @property
    def CACHE_SECONDS(self) -> int:  # noqa: N802
        return int(self._get("CACHE_SECONDS", 10))

    @property
    def REALM(self) -> str:  # noqa: N802
        return self._get("REALM", "authserver")

    @property
    def IDENTIFIER(self) -> str:  # noqa: N802
        return self._get("IDENTIFIER", "")

    @property
    def REQUIRE_AUDIENCE(self) -> bool:  # noqa: N802
        return bool(self._get("REQUIRE_AUDIENCE", False))

    @property
    def AUTHORIZATION_SERVER(self) -> str:  # noqa: N802
        return self._get("AUTHORIZATION_SERVER", "")

    @property
    def CORS_ALLOWED_ORIGINS(self) -> list[str]:  # noqa: N802
        return list(self._get("CORS_ALLOWED_ORIGINS", []))

    @property
    def OPERATION_CACHE_SECONDS(self) -> int:  # noqa: N802
        return int(self._get("OPERATION_CACHE_SECONDS", 60))

    @property
    def OPERATION_LOCAL_SECONDS(self) -> float:  # noqa: N802
        return float(self._get("OPERATION_LOCAL_SECONDS", 2))


api_settings = ResourceApiSettings()
