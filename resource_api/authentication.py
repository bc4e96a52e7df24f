"""DRF authentication for bearer tokens (RFC 6750), backed by introspection.

Contract (DRF): ``authenticate`` returns ``(user, auth)`` or None, or raises.
A request without a token returns None, so the permission check answers
401 with a bare challenge; a bad token raises InvalidToken (401,
``error="invalid_token"``). Tokens are read from the Authorization header
only (RFC 6750 §2.1); query and form tokens are never looked at.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from resource_api.audience import api_identifier, audience_accepted, metadata_url
from resource_api.conf import api_settings
from resource_api.introspection import (
    IntrospectionUnavailable,
    TokenInfo,
    get_backend,
)

MAX_TOKEN_LENGTH = 512


class InvalidToken(exceptions.AuthenticationFailed):
    default_detail = "The access token is invalid, expired or revoked."
    default_code = "invalid_token"


class AuthorizationServerUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "The authorization server cannot be reached; retry shortly."
    default_code = "temporarily_unavailable"


@dataclass(frozen=True)
class TokenUser:
    """The person a token acts for, as introspection describes them."""

    sub: str
    username: str
    email: str
    name: str
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    @property
    def pk(self) -> str:
        return self.sub


@dataclass(frozen=True)
class ClientOnly:
    """A client-credentials token: a client, no person."""

    client_id: str
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False
    pk: None = None


def challenge(
    request: HttpRequest,
    error: str | None = None,
    description: str = "",
    scope: str = "",
) -> str:
    """RFC 6750 §3, with RFC 9728 §5.1 ``resource_metadata``."""
    parts = ['realm="%s"' % api_settings.REALM]
    if error:
        parts.append('error="%s"' % error)
    if description:
        parts.append('error_description="%s"' % description.replace('"', "'"))
    if scope:
        parts.append('scope="%s"' % scope)
    parts.append('resource_metadata="%s"' % metadata_url(request))
    return "Bearer " + ", ".join(parts)


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[object, TokenInfo] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, value = header.partition(" ")
        value = value.strip()
        if (
            scheme.lower() != "bearer"
            or not value
            or len(value) > MAX_TOKEN_LENGTH
            or not value.isprintable()
            or " " in value
        ):
            raise InvalidToken("The Authorization header is not a Bearer token.")
        try:
            info = get_backend().introspect(value)
        except IntrospectionUnavailable as exc:
            raise AuthorizationServerUnavailable() from exc
        if not info.active:
            raise InvalidToken()
        if not audience_accepted(info, api_identifier(request)):
            raise InvalidToken("The access token is for another API.")
        if info.sub is None:
            return ClientOnly(client_id=info.client_id), info
        return TokenUser(info.sub, info.username, info.email, info.name), info

    def authenticate_header(self, request: Request) -> str:
        return challenge(request)
