"""OpenID Connect ID tokens from the token endpoint (Core §2, §3.1.3.3, §3.1.3.6).

An ID token goes with the tokens of a code exchange or a refresh whose
scopes include ``openid``. Signed RS256 with the server's configured key
(its thumbprint as ``kid``), not a per-client key as in DOT, so keys rotate
in one place; the claims a person's scopes reveal come from
oauth_grants/oidc_claims.py, as at UserInfo.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from jwcrypto import jwt

from oauth_grants.conf import app_settings
from oauth_grants.models import Client
from oauth_grants.oidc_claims import claims_for_scopes
from oauth_grants.oidc_keys import ALGORITHM, key_id, signing_key
from oauth_grants.services import id_token_record


def at_hash(access_token: str) -> str:
    """Core §3.1.3.6: base64url of the left half of SHA-256 of the access token."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


def id_token_issue(
    *,
    user: Any,
    client: Client,
    scopes: list[str],
    access_token: str,
    nonce: str | None,
    auth_time: datetime | None = None,
) -> str:
    """A signed ID token for ``user`` and ``client``; its ``jti`` is recorded.

    ``auth_time`` (OpenID Connect Core §2) is when the person signed in for
    this authorization, carried by the code; without it (a refresh), the
    person's last sign-in.
    """
    now = int(time.time())
    expires = now + app_settings.ID_TOKEN_LIFETIME_SECONDS
    auth_time = auth_time or user.last_login
    claims: dict[str, Any] = {
        "aud": client.client_id,
        "iat": now,
        "at_hash": at_hash(access_token),
        **claims_for_scopes(user, set(scopes)),
        "iss": app_settings.ISSUER,
        "exp": expires,
        "auth_time": int(auth_time.timestamp()) if auth_time else now,
        "jti": str(uuid.uuid4()),
    }
    if nonce:
        claims["nonce"] = nonce
    key = signing_key()
    header = {"typ": "JWT", "alg": ALGORITHM, "kid": key_id(key)}
    signed = jwt.JWT(header=header, claims=json.dumps(claims))
    signed.make_signed_token(key)
    id_token_record(
        jti=claims["jti"],
        user=user,
        client=client,
        scope=" ".join(scopes),
        expires=datetime.fromtimestamp(expires, tz=UTC),
    )
    return signed.serialize()
