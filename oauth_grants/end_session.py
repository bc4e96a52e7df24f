"""RP-initiated sign-out (OpenID Connect RP-Initiated Logout 1.0): the rules.

* ``id_token_hint``: an ID token this server signed (any published key; an
  expired one is accepted, §2: it is only a hint), issued by this issuer.
  It names the client (its ``aud``) and the person (``sub``).
* ``client_id``, if also given, must be that client (§2).
* ``post_logout_redirect_uri``: only one registered for the client, matched
  exactly, and only when the client is known (from the hint or client_id);
  anything else gets an error page, never a redirect (§3).
* The person is asked to confirm unless the hint names the signed-in person
  (§2: the OP MUST ask when the hint is missing or does not match).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db.models import Model
from jwcrypto import jwk, jws, jwt
from jwcrypto.common import JWException

from oauth_grants.client_auth import load_client
from oauth_grants.conf import app_settings
from oauth_grants.models import Client
from oauth_grants.oidc_keys import ALGORITHM, public_jwks

MAX_HINT_LENGTH = 8192
MAX_STATE_LENGTH = 1024


class EndSessionError(ValueError):
    """The request cannot be trusted; shown on an error page, no redirect."""


@dataclass(frozen=True)
class EndSessionRequest:
    client: Client | None
    hint_subject: str | None
    post_logout_redirect_uri: str | None
    state: str | None

    def needs_confirmation(self, user: Model | None) -> bool:
        """§2: ask unless the hint names the person signed in here."""
        if user is None:
            return False
        return self.hint_subject is None or self.hint_subject != str(user.pk)


def id_token_claims(hint: str) -> dict[str, object]:
    """The claims of an ID token this server signed; raises EndSessionError."""
    if len(hint) > MAX_HINT_LENGTH:
        raise EndSessionError("The id_token_hint is too long.")
    try:
        keys = jwk.JWKSet.from_json(json.dumps(public_jwks()))
        token = jwt.JWT(jwt=hint, key=keys, algs=[ALGORITHM], check_claims=False)
        claims = json.loads(token.claims)
    except (JWException, jws.InvalidJWSObject, ValueError, TypeError) as exc:
        raise EndSessionError("The id_token_hint is not an ID token of ours.") from exc
    if not isinstance(claims, dict) or claims.get("iss") != app_settings.ISSUER:
        raise EndSessionError("The id_token_hint was issued by someone else.")
    return claims


def end_session_request(
    *,
    id_token_hint: str | None,
    client_id: str | None,
    post_logout_redirect_uri: str | None,
    state: str | None,
) -> EndSessionRequest:
    """Validate an end-session request; raise EndSessionError if untrusted."""
    client: Client | None = None
    subject: str | None = None
    if id_token_hint:
        claims = id_token_claims(id_token_hint)
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if client_id and client_id not in audiences:
            raise EndSessionError("client_id does not match the id_token_hint.")
        client = load_client(client_id or audiences[0])
        subject = str(claims.get("sub")) if claims.get("sub") is not None else None
    elif client_id:
        client = load_client(client_id)
        if client is None:
            raise EndSessionError("Unknown client.")
    if state is not None and (len(state) > MAX_STATE_LENGTH or not state.isprintable()):
        raise EndSessionError("state is too long or not printable.")
    if post_logout_redirect_uri:
        registered = (client.post_logout_redirect_uris or "").split() if client else []
        if post_logout_redirect_uri not in registered:
            raise EndSessionError(
                "post_logout_redirect_uri is not registered for this client."
            )
    return EndSessionRequest(
        client=client,
        hint_subject=subject,
        post_logout_redirect_uri=post_logout_redirect_uri or None,
        state=state or None,
    )
