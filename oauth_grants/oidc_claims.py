"""The OpenID Connect claims of a person (Core §5.1), and which scope reveals each."""

from __future__ import annotations

from typing import Any

CLAIM_SCOPE = {
    "name": "profile",
    "given_name": "profile",
    "family_name": "profile",
    "preferred_username": "profile",
    "email": "email",
    "email_verified": "email",
}


def oidc_user_claims(user: Any) -> dict[str, Any]:
    """All the claims we can state about ``user`` (filtered by scope elsewhere)."""
    return {
        "name": user.get_full_name(),
        "given_name": user.first_name,
        "family_name": user.last_name,
        "preferred_username": user.get_username(),
        "email": user.email,
        "email_verified": False,
    }


def claims_for_scopes(user: Any, scopes: set[str]) -> dict[str, Any]:
    """``sub`` plus the claims the granted scopes reveal."""
    claims = {"sub": str(user.pk)}
    for name, value in oidc_user_claims(user).items():
        if CLAIM_SCOPE[name] in scopes:
            claims[name] = value
    return claims
