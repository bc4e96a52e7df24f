"""Reads: the one place that answers "is this token good?" and similar questions."""

from __future__ import annotations

from django.utils import timezone

from oauth_grants.models import AccessToken, RefreshToken
from oauth_grants.tokens import token_digest

MAX_TOKEN_LENGTH = 512


def access_token_active(*, value: object) -> AccessToken | None:
    """The live access token with this value, its client and user joined; else None.

    Live means: not revoked, not expired, and its client still enabled (a
    disabled client's tokens stop working at once). One query.
    """
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TOKEN_LENGTH:
        return None
    token = (
        AccessToken.objects.select_related("application", "user")
        .filter(
            token_checksum=token_digest(value),
            revoked__isnull=True,
            expires__gt=timezone.now(),
            application__enabled=True,
        )
        .first()
    )
    if token is not None and token.user is not None and not token.user.is_active:
        return None
    return token


def token_by_value(
    *, value: object, hint: str | None = None
) -> AccessToken | RefreshToken | None:
    """The access or refresh token row with this value, whatever its state.

    ``hint`` (RFC 7009 §2.1 token_type_hint) only decides which table is
    searched first.
    """
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TOKEN_LENGTH:
        return None
    digest = token_digest(value)
    models = [AccessToken, RefreshToken]
    if hint == "refresh_token":
        models.reverse()
    for model in models:
        row = (
            model.objects.select_related("application", "user")
            .filter(token_checksum=digest)
            .first()
        )
        if row is not None:
            return row
    return None
