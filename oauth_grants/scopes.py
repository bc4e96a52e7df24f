"""DOT's scopes backend over the Scope table: scopes are data, not settings."""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import BaseScopes

from oauth_grants.models import Scope


class DatabaseScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return dict(Scope.objects.values_list("name", "description"))

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        if application is None:
            return list(Scope.objects.values_list("name", flat=True))
        return sorted(application.allowed_scope_names())

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        # RFC 6749 §3.3: with no default, a request without scope is invalid_scope.
        return []


def scopes_allowed(client: Any, scopes: list[str]) -> bool:
    """May ``client`` be granted ``scopes``? (RFC 6749 §3.3)

    At least one scope, each allowed to the client; ``openid`` only while
    OpenID Connect is configured. The authorization and token endpoints
    both ask here.
    """
    from oauth_grants.oidc_keys import oidc_enabled

    if not scopes or any(not isinstance(s, str) for s in scopes):
        return False
    if "openid" in scopes and not oidc_enabled():
        return False
    return set(scopes) <= client.allowed_scope_names()
