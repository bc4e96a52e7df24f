"""The oauthlib server behind the authorization endpoint, code grant only.

DOT's authorization view validates ``GET /oauth/authorize`` and creates the
code through oauthlib; this is all of oauthlib's machinery the product
still runs. Built here from parts, so ``response_type=token`` (implicit,
forbidden by RFC 9700 §2.1.2) or any other is refused by oauthlib itself
(``unsupported_response_type``). The token endpoint is not oauthlib's: its
grants are oauth_grants/grants/.
"""

from __future__ import annotations

from typing import Any

from oauthlib.oauth2.rfc6749.endpoints import AuthorizationEndpoint
from oauthlib.oauth2.rfc6749.grant_types import (
    AuthorizationCodeGrant as OAuth2AuthorizationCodeGrant,
)
from oauthlib.oauth2.rfc6749.tokens import BearerToken
from oauthlib.openid.connect.core.grant_types import (
    AuthorizationCodeGrant as OIDCAuthorizationCodeGrant,
)
from oauthlib.openid.connect.core.grant_types.dispatchers import (
    AuthorizationCodeGrantDispatcher,
)

from oauth_grants.resources import authorization_audience


class AuthorizationServer(AuthorizationEndpoint):
    def __init__(self, request_validator: Any, *args: Any, **kwargs: Any) -> None:
        # RFC 8707: the API named by ``resource``, checked after the grant's
        # own validation so that invalid_target goes back to the client.
        code_grant = OAuth2AuthorizationCodeGrant(
            request_validator, post_auth=[authorization_audience]
        )
        choice = AuthorizationCodeGrantDispatcher(
            default_grant=code_grant,
            oidc_grant=OIDCAuthorizationCodeGrant(
                request_validator, post_auth=[authorization_audience]
            ),
        )
        AuthorizationEndpoint.__init__(
            self,
            default_response_type="code",
            response_types={"code": choice},
            default_token_type=BearerToken(request_validator),
        )
