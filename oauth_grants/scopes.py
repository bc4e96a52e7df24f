"""Scopes are data, not settings: DOT's scopes backend, and their descriptions.

``scope_descriptions`` is the one source of the sentence a person reads for a
scope: the account pages and the API docs call it, and the consent page
calls ``consent_scopes``, which asks for the same with the client's
required scopes in one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import translation
from oauth2_provider.scopes import BaseScopes

from oauth_grants.models import Client, Scope
from oauth_grants.page_lookups import scopes_for_consent


def scope_descriptions(
    *, names: Iterable[str] | None = None, language: str | None = None
) -> dict[str, str]:
    """Each scope's description in ``language`` (default: the active one).

    A scope without a translation for that language (or its base language:
    ``de`` for ``de-at``) gets its default description; a name that is not a
    Scope row is described by its name. ``names=None`` describes every scope.
    """
    rows = Scope.objects.all()
    if names is not None:
        names = list(names)
        rows = rows.filter(name__in=names)
    found = _described(
        rows.values_list("name", "description", "translations"), language
    )
    if names is None:
        return found
    return {name: found.get(name, name) for name in names}


def consent_scopes(
    *, client: Client, names: list[str], language: str | None = None
) -> tuple[dict[str, str], set[str]]:
    """For the consent page, in one query: the descriptions of ``names`` (as
    ``scope_descriptions``) and which of them ``client`` requires (shown
    ticked, cannot be unticked)."""
    rows = scopes_for_consent(client.pk, names)
    found = _described(((n, d, t) for n, d, t, _r in rows), language)
    required = {name for name, _d, _t, is_required in rows if is_required}
    return {name: found.get(name, name) for name in names}, required


def _described(
    rows: Iterable[tuple[str, str, Any]], language: str | None
) -> dict[str, str]:
    language = (language or translation.get_language() or "").lower()
    candidates = [language, language.split("-")[0]]
    found: dict[str, str] = {}
    for name, description, translations in rows:
        localized = translations if isinstance(translations, dict) else {}
        text = next((localized[c] for c in candidates if localized.get(c)), None)
        found[name] = text or description
    return found


class DatabaseScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return scope_descriptions()

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
