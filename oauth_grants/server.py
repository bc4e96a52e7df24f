"""The oauthlib server, with only the grants this product offers.

oauthlib's pre-configured servers also wire the implicit, password, hybrid and
device grants; RFC 9700 §2.1.2 and §2.4 forbid the first two, and the device
flow is broken with oauthlib 4.0.1. Built here from parts, so an unknown or
forbidden grant or response type is refused by oauthlib itself
(unsupported_grant_type / unsupported_response_type).
"""

from __future__ import annotations

from typing import Any

from oauthlib.oauth2.rfc6749.endpoints import (
    AuthorizationEndpoint,
    IntrospectEndpoint,
    ResourceEndpoint,
    RevocationEndpoint,
    TokenEndpoint,
)
from oauthlib.oauth2.rfc6749.grant_types import (
    AuthorizationCodeGrant as OAuth2AuthorizationCodeGrant,
)
from oauthlib.oauth2.rfc6749.grant_types import ClientCredentialsGrant
from oauthlib.oauth2.rfc6749.tokens import BearerToken
from oauthlib.openid.connect.core.endpoints.userinfo import UserInfoEndpoint
from oauthlib.openid.connect.core.grant_types import (
    AuthorizationCodeGrant as OIDCAuthorizationCodeGrant,
)
from oauthlib.openid.connect.core.grant_types import RefreshTokenGrant
from oauthlib.openid.connect.core.grant_types.dispatchers import (
    AuthorizationCodeGrantDispatcher,
    AuthorizationTokenGrantDispatcher,
)

from oauth_grants.resources import authorization_audience, token_audience

# RFC 8707 resource indicators, checked after each grant's own validation.
AUDIENCE_VALIDATORS = {
    "post_auth": [authorization_audience],
    "post_token": [token_audience],
}


def client_access_token_lifetime(request: Any) -> int:
    """expires_in comes from the client's policy, not a global setting."""
    return request.client.access_token_lifetime


class AuthorizationServer(
    AuthorizationEndpoint,
    TokenEndpoint,
    ResourceEndpoint,
    RevocationEndpoint,
    IntrospectEndpoint,
    UserInfoEndpoint,
):
    def __init__(
        self,
        request_validator: Any,
        token_expires_in: Any = None,
        token_generator: Any = None,
        refresh_token_generator: Any = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        self.auth_grant = OAuth2AuthorizationCodeGrant(
            request_validator, **AUDIENCE_VALIDATORS
        )
        self.openid_connect_auth = OIDCAuthorizationCodeGrant(
            request_validator, **AUDIENCE_VALIDATORS
        )
        self.credentials_grant = ClientCredentialsGrant(
            request_validator, post_token=[token_audience]
        )
        self.refresh_grant = RefreshTokenGrant(
            request_validator, post_token=[token_audience]
        )
        self.bearer = BearerToken(
            request_validator,
            token_generator,
            client_access_token_lifetime,
            refresh_token_generator,
        )
        self.auth_grant_choice = AuthorizationCodeGrantDispatcher(
            default_grant=self.auth_grant, oidc_grant=self.openid_connect_auth
        )
        AuthorizationEndpoint.__init__(
            self,
            default_response_type="code",
            response_types={"code": self.auth_grant_choice},
            default_token_type=self.bearer,
        )
        self.token_grant_choice = AuthorizationTokenGrantDispatcher(
            request_validator,
            default_grant=self.auth_grant,
            oidc_grant=self.openid_connect_auth,
        )
        TokenEndpoint.__init__(
            self,
            default_grant_type="authorization_code",
            grant_types={
                "authorization_code": self.token_grant_choice,
                "client_credentials": self.credentials_grant,
                "refresh_token": self.refresh_grant,
            },
            default_token_type=self.bearer,
        )
        ResourceEndpoint.__init__(
            self, default_token="Bearer", token_types={"Bearer": self.bearer}
        )
        RevocationEndpoint.__init__(self, request_validator)
        IntrospectEndpoint.__init__(self, request_validator)
        UserInfoEndpoint.__init__(self, request_validator)
