"""The client credentials grant (RFC 6749 §4.4).

One function, read top to bottom: authenticate the client (confidential
only: a public client has nothing to prove, §4.4.2), check that it may use
this grant and the scopes it asks for, issue an access token (never a
refresh token, §4.4.3), audit; the token and its audit event are one
write, atomic by itself (``grant_transaction``'s ``one_statement`` says
why no BEGIN/COMMIT around it).
"""

from __future__ import annotations

from typing import Any

from oauthlib.oauth2.rfc6749 import errors

from oauth_grants.grants.token_request import (
    TokenRequest,
    authenticated_client,
    grant_transaction,
    requested_scopes,
)
from oauth_grants.models import GrantType
from oauth_grants.resources import token_audience
from oauth_grants.scopes import scopes_allowed
from oauth_grants.token_services import tokens_issue


def issue(request: TokenRequest) -> dict[str, Any]:
    """An access token for the client itself, or the error RFC 6749 §5.2 names."""
    with grant_transaction(one_statement=True):
        client = authenticated_client(request, allow_public=False)
        if GrantType.CLIENT_CREDENTIALS not in client.grant_types:
            raise errors.UnauthorizedClientError()
        # RFC 6749 §3.3: no default scope here, so none asked is invalid_scope.
        scopes = requested_scopes(request.get("scope"))
        if not scopes_allowed(client, scopes):
            raise errors.InvalidScopeError()
        # RFC 8707: an API the client is allowed, if it names one.
        audience = token_audience(
            client=client, requested=request.get("resource"), granted=None
        )
        issued = tokens_issue(
            client=client,
            user=None,
            scope=" ".join(scopes),
            grant_type="client_credentials",
            family=None,
            audience=audience,
            remote_addr=request.remote_addr,
        )
    return issued.body()
