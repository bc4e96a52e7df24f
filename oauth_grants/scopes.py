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
