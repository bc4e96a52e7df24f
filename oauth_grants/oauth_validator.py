"""oauthlib's RequestValidator for the authorization endpoint: an adapter.

DOT's authorization view still drives oauthlib's authorization-code grant
(oauth_grants/views/authorize.py), and oauthlib asks its validator about
the client, the redirect URI, the response type and the scopes, and hands
it the code to store. Every answer here comes from the same places the
token endpoint uses (the client's policy, ``scopes.scopes_allowed``), and
the one write, the code, goes through ``token_services.code_issue``.

The token endpoint does not use oauthlib's dispatch or this validator: its
grants are modules of their own (oauth_grants/grants/).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors

from oauth_grants.client_auth import load_client
from oauth_grants.conf import app_settings
from oauth_grants.models import AccessToken, Client, GrantType
from oauth_grants.scopes import scopes_allowed
from oauth_grants.selectors import access_token_row
from oauth_grants.token_services import code_issue


def _from_timestamp(value: Any) -> datetime | None:
    if not isinstance(value, int) or value <= 0:
        return None
    return datetime.fromtimestamp(value, tz=UTC)


class AuthServerValidator(OAuth2Validator):
    def _load_application(self, client_id: Any, request: Any) -> Client | None:
        cached = getattr(request, "client", None)
        if isinstance(cached, Client) and cached.client_id == client_id:
            return cached if cached.enabled else None
        request.client = load_client(client_id)
        return request.client

    def validate_client_id(
        self, client_id: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        return self._load_application(client_id, request) is not None

    def validate_response_type(
        self,
        client_id: Any,
        response_type: str,
        client: Client,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return (
            response_type == "code"
            and GrantType.AUTHORIZATION_CODE in client.grant_types
        )

    def validate_silent_login(self, request: Any) -> bool:
        # prompt=none is decided by AuthorizeView after validation, with the
        # session at hand (login_required / consent_required).
        return True

    def validate_silent_authorization(self, request: Any) -> bool:
        return True

    def validate_scopes(
        self,
        client_id: Any,
        scopes: list[str],
        client: Client,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return scopes_allowed(client, scopes)

    def get_default_scopes(
        self, client_id: Any, request: Any, *args: Any, **kwargs: Any
    ) -> list[str]:
        return []

    def validate_redirect_uri(
        self, client_id: Any, redirect_uri: str, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        return request.client.redirect_uri_allowed(redirect_uri)

    def get_default_redirect_uri(
        self, client_id: Any, request: Any, *args: Any, **kwargs: Any
    ) -> str | None:
        uris = request.client.redirect_uri_list if request.client else []
        return uris[0] if len(uris) == 1 else None

    def is_pkce_required(self, client_id: Any, request: Any) -> bool:
        return True

    def save_authorization_code(
        self,
        client_id: Any,
        code: dict[str, str],
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        approved = list(request.scopes or [])
        if not set(approved) <= request.client.allowed_scope_names():
            raise errors.InvalidScopeError(request=request)
        code_issue(
            client=request.client,
            user=request.user,
            value=code["code"],
            redirect_uri=request.redirect_uri,
            # RFC 6749 §4.1.3: carried by the request, it must be repeated.
            redirect_uri_required=not getattr(
                request, "using_default_redirect_uri", False
            ),
            scopes=approved,
            code_challenge=request.code_challenge or "",
            code_challenge_method=request.code_challenge_method or "",
            nonce=request.nonce or "",
            # OpenID Connect Core §2: when the person signed in (ID token).
            auth_time=_from_timestamp(getattr(request, "auth_time", None)),
            # RFC 8707: the API the code is for (oauth_grants/resources.py).
            resource=list(getattr(request, "audience", None) or []),
        )

    def get_oidc_issuer_endpoint(self, request: Any) -> str:
        return app_settings.ISSUER

    def _load_access_token(self, token: Any) -> AccessToken | None:
        """For DOT's bearer-token views and DRF authentication, if a host
        project uses them: the live token row (selectors.access_token_row)."""
        return access_token_row(value=token)
