"""Resource indicators (RFC 8707): which API a token is for.

A client names the API with ``resource`` on the authorization and token
requests; the client's policy lists the APIs it may ask for
(``Client.allowed_resources``). The token then carries that API as its
audience, introspection returns it as ``aud``, and an API refuses a token
whose audience is another API.

At the authorization endpoint oauthlib calls ``authorization_audience`` as a
custom validator (oauth_grants/server.py) and the validator stores the
result on the code; at the token endpoint each grant module asks
``token_audience`` and stores the answer on the tokens (DOT's ``resource``
field).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from oauth_grants.redirect_uris import parse_uri_list

MAX_RESOURCE_LENGTH = 2000


parse_resources = parse_uri_list


def validate_resource(uri: str) -> None:
    """RFC 8707 §2: an absolute URI without a fragment (and here without a
    query or user information), http or https. It identifies an API; it is
    compared, never fetched."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ValidationError(
            _("%(uri)s is not a valid resource identifier.") % {"uri": uri[:200]}
        ) from exc
    if (
        not 0 < len(uri) <= MAX_RESOURCE_LENGTH
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or "@" in parts.netloc
        or "#" in uri
        or "?" in uri
        or not uri.isprintable()
        or " " in uri
    ):
        raise ValidationError(
            _(
                "%(uri)s is not a resource identifier: an absolute http(s) URI "
                "without query or fragment (RFC 8707 §2)."
            )
            % {"uri": uri[:200]}
        )


class InvalidTargetError(OAuth2Error):
    """RFC 8707 §2: the resource is invalid, unknown or not allowed."""

    error = "invalid_target"
    status_code = 400


def _requested(request: Any) -> str | None:
    """The ``resource`` parameter of this oauthlib request, if any."""
    value = getattr(request, "resource", None)
    return value if isinstance(value, str) and value else None


def _check_allowed(client: Any, resource: str, request: Any = None) -> str:
    try:
        validate_resource(resource)
    except ValidationError as exc:
        raise InvalidTargetError(description=exc.messages[0], request=request) from exc
    if resource not in parse_resources(client.allowed_resources or ""):
        raise InvalidTargetError(
            description="This client may not ask for that resource.", request=request
        )
    return resource


def authorization_audience(request: Any) -> dict[str, list[str]]:
    """oauthlib post_auth validator: the API named at the authorization endpoint.

    Runs after the client and redirect URI are validated, so an
    ``invalid_target`` goes back to the client. The result is carried with
    the parked request as ``audience`` and stored on the code.
    """
    resource = _requested(request)
    if not resource:
        return {"audience": []}
    return {"audience": [_check_allowed(request.client, resource, request)]}


def token_audience(
    *, client: Any, requested: str | None, granted: list[str] | None
) -> list[str]:
    """The audience of the token a grant issues (RFC 8707 §2.2).

    Without ``resource`` the token gets what the code or refresh token
    carries (``granted``; nothing for client_credentials). With it, the
    client must be allowed the API, and a code or refresh token bound to an
    API can only be spent on that API. Raises ``InvalidTargetError``.
    """
    granted = list(granted or [])
    if not requested:
        return granted
    _check_allowed(client, requested)
    if granted and requested not in granted:
        raise InvalidTargetError(
            description="The grant was not issued for that resource."
        )
    return [requested]


def audience_claim(audience: tuple[str, ...] | list[str]) -> dict[str, object]:
    """RFC 7662 §2.2 ``aud``: one string, or an array for several; absent if none."""
    if not audience:
        return {}
    return {"aud": audience[0] if len(audience) == 1 else list(audience)}
