"""The token endpoint's grants, one module each, and the dispatch on grant_type.

* ``authorization_code.py``: RFC 6749 §4.1.3 with PKCE (RFC 7636);
* ``refresh_token.py``: RFC 6749 §6 with rotation and reuse detection;
* ``client_credentials.py``: RFC 6749 §4.4;
* ``token_request.py``: what they share (the request, client
  authentication, the transaction).

Implicit, password and device grants are not offered (RFC 9700 §2.1.2,
§2.4): ``unsupported_grant_type``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oauthlib.oauth2.rfc6749 import errors

from oauth_grants.grants import authorization_code, client_credentials, refresh_token
from oauth_grants.grants.token_request import TokenRequest

GRANTS: dict[str, Callable[[TokenRequest], dict[str, Any]]] = {
    "authorization_code": authorization_code.exchange,
    "refresh_token": refresh_token.refresh,
    "client_credentials": client_credentials.issue,
}


def token_response(request: TokenRequest) -> dict[str, Any]:
    """The RFC 6749 §5.1 body for this request; raises ``OAuth2Error``."""
    grant_type = request.get("grant_type")
    if not grant_type:
        raise errors.InvalidRequestError(description="Missing grant_type parameter.")
    grant = GRANTS.get(grant_type)
    if grant is None:
        raise errors.UnsupportedGrantTypeError()
    return grant(request)
