"""The authorization code grant at the token endpoint (RFC 6749 §4.1.3,
PKCE RFC 7636 §4.5-4.6, OpenID Connect Core §3.1.3).

One function, read top to bottom: parse, authenticate the client, lock the
code, check it, redeem it, issue, audit; all in one transaction. The
client, its scopes and the locked code come in one query
(``lookups.client_with_code``), run while the client authenticates and
used only if it does.

Why the code is locked for the whole transaction: of N concurrent
redemptions exactly one gets tokens (stock DOT marks the code used after
minting, so racing requests each got tokens). A used code presented again
revokes every token issued from it (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid
from typing import Any

from oauthlib.oauth2.rfc6749 import errors

from oauth_grants.grants.token_request import (
    ClientAndGrant,
    TokenRequest,
    authenticated_client,
    grant_transaction,
)
from oauth_grants.lookups import client_with_code
from oauth_grants.models import AuthorizationCode, GrantType
from oauth_grants.resources import token_audience
from oauth_grants.token_services import (
    code_redemption,
    family_replay_revoke,
    tokens_issue,
)

# RFC 7636 §4.1: 43 to 128 unreserved characters.
CODE_VERIFIER_RE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


def exchange(request: TokenRequest) -> dict[str, Any]:
    """Tokens for a code, or the error RFC 6749 §5.2 names."""
    # RFC 6749 §4.1.3: code is REQUIRED.
    if not request.get("code"):
        raise errors.InvalidRequestError(description="Missing code parameter.")
    # One query: the client, its scopes and the code, locked (lookups.py).
    loaded = ClientAndGrant(client_with_code, request.digest_of("code"))

    with grant_transaction():
        # RFC 6749 §3.2.1: confidential clients authenticate; a public one
        # names itself and proves possession with PKCE below.
        client = authenticated_client(request, allow_public=True, load=loaded)
        if GrantType.AUTHORIZATION_CODE not in client.grant_types:
            raise errors.UnauthorizedClientError()
        # Only this client's codes are found: another client's is unknown here.
        code: AuthorizationCode | None = loaded.row
        if code is None:
            raise errors.InvalidGrantError(description="Unknown code.")
        if code.redeemed_at is not None:
            family_replay_revoke(
                replayed=code, client=client, remote_addr=request.remote_addr
            )
            raise errors.InvalidGrantError(description="The code was used already.")
        if code.is_expired() or not code.user.is_active:
            raise errors.InvalidGrantError(description="The code has expired.")
        _check_pkce(code, request.get("code_verifier"))
        _check_redirect_uri(code, request.get("redirect_uri"))
        # RFC 8707 §2.2: the API the tokens are for (what the code names).
        audience = token_audience(
            client=client, requested=request.get("resource"), granted=code.resource
        )

        family = uuid.uuid4()
        issued = tokens_issue(
            client=client,
            user=code.user,
            scope=code.scope,
            grant_type="authorization_code",
            family=family,
            retiring=(code_redemption(code=code, family=family),),
            # OpenID Connect Core §3.1.3.3: with openid, an ID token carrying
            # the nonce of the authorization request.
            nonce=code.nonce or None,
            auth_time=code.auth_time,
            audience=audience,
            remote_addr=request.remote_addr,
        )
    return issued.body()


def _check_pkce(code: AuthorizationCode, verifier: str | None) -> None:
    """RFC 7636 §4.5-4.6: the verifier is required (every code here has an
    S256 challenge) and must hash to the code's challenge."""
    if not verifier:
        raise errors.MissingCodeVerifierError()
    if not code.code_challenge or code.code_challenge_method != "S256":
        raise errors.InvalidGrantError(description="The code has no PKCE challenge.")
    if not CODE_VERIFIER_RE.match(verifier):
        raise errors.InvalidGrantError(description="Malformed code_verifier.")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    if not hmac.compare_digest(computed, code.code_challenge):
        raise errors.InvalidGrantError(description="code_verifier does not match.")


def _check_redirect_uri(code: AuthorizationCode, given: str | None) -> None:
    """RFC 6749 §4.1.3: redirect_uri is required when the authorization
    request included it, and identical to it; a mismatch is invalid_grant
    (§5.2), even when the client has one registered URI to fall back on."""
    if given is None:
        if code.redirect_uri_required:
            raise errors.InvalidGrantError(
                description="redirect_uri is required: the authorization "
                "request carried it."
            )
        return
    if given != code.redirect_uri:
        raise errors.InvalidGrantError(
            description="redirect_uri does not match the authorization request."
        )
