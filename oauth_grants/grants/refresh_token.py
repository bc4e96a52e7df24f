"""The refresh token grant (RFC 6749 §6, RFC 9700 §4.14.2, OpenID Connect
Core §12).

One function, read top to bottom: parse, authenticate the client, lock the
refresh token, check it, rotate it, issue, audit; all in one transaction.
The client, its scopes and the locked refresh token come in one query
(``lookups.client_with_refresh_token``).

Refresh tokens rotate on every use: the presented token and the access
token issued with it are retired through the one revoke path
(``services.refresh_token_rotate``). A rotated-out token presented again
later than ``REFRESH_TOKEN_REUSE_GRACE_SECONDS`` after its rotation is
reuse: the whole family is revoked. Within the window it is a client
retrying a request that raced its own refresh: ``invalid_grant``, the
family kept. A family lives at most the client's
``refresh_token_max_lifetime`` from the code exchange, however often it is
refreshed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from oauthlib.oauth2.rfc6749 import errors

from oauth_grants.conf import app_settings
from oauth_grants.grants.token_request import (
    ClientAndGrant,
    TokenRequest,
    authenticated_client,
    grant_transaction,
    requested_scopes,
)
from oauth_grants.lookups import client_with_refresh_token
from oauth_grants.models import RefreshToken
from oauth_grants.resources import token_audience
from oauth_grants.services import refresh_token_rotate
from oauth_grants.token_services import (
    family_deadline,
    family_replay_revoke,
    tokens_issue,
)


def refresh(request: TokenRequest) -> dict[str, Any]:
    """New tokens for a refresh token, or the error RFC 6749 §5.2 names."""
    # RFC 6749 §6: refresh_token is REQUIRED.
    if not request.get("refresh_token"):
        raise errors.InvalidRequestError(description="Missing refresh token parameter.")
    # One query: the client, its scopes and the refresh token, locked.
    loaded = ClientAndGrant(
        client_with_refresh_token, request.digest_of("refresh_token")
    )

    with grant_transaction():
        client = authenticated_client(request, allow_public=True, load=loaded)
        if not client.issue_refresh_tokens:
            raise errors.UnauthorizedClientError()
        # RFC 6749 §10.4: refresh tokens are bound to their client.
        token: RefreshToken | None = loaded.row
        if token is None:
            raise errors.InvalidGrantError(description="Unknown refresh token.")
        now = timezone.now()
        if token.revoked is not None:
            grace = timedelta(seconds=app_settings.REFRESH_TOKEN_REUSE_GRACE_SECONDS)
            if token.rotated_at is not None and now - token.rotated_at > grace:
                family_replay_revoke(
                    replayed=token, client=client, remote_addr=request.remote_addr
                )
            raise errors.InvalidGrantError(description="The refresh token is revoked.")
        if token.is_expired() or not token.user.is_active:
            raise errors.InvalidGrantError(description="The refresh token expired.")
        if now >= family_deadline(token, client):
            raise errors.InvalidGrantError(
                description="The sign-in is too old; sign in again."
            )
        # RFC 6749 §6: the scope may narrow, never widen.
        original = token.scope.split()
        scopes = requested_scopes(request.get("scope")) or original
        if not set(scopes) <= set(original):
            raise errors.InvalidScopeError()
        # RFC 8707 §2.2: the audience may narrow to one the grant names.
        audience = token_audience(
            client=client, requested=request.get("resource"), granted=token.resource
        )

        issued = tokens_issue(
            client=client,
            user=token.user,
            scope=" ".join(scopes),
            grant_type="refresh_token",
            family=token.token_family,
            previous=token,
            retiring=refresh_token_rotate(token=token),
            audience=audience,
            # OpenID Connect Core §12.2: with openid, a new ID token (no nonce).
            remote_addr=request.remote_addr,
        )
    return issued.body()
