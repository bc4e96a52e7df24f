"""Resource indicators (RFC 8707): which API a token is for.

A client names the API with ``resource`` on the authorization and token
requests; the client's policy lists the APIs it may ask for
(``Client.allowed_resources``). The token then carries that API as its
audience, introspection returns it as ``aud``, and an API refuses a token
whose audience is another API.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_RESOURCE_LENGTH = 2000


def parse_resources(text: str) -> list[str]:
    """Split a whitespace-separated list of resource identifiers, no duplicates."""
    return list(dict.fromkeys(text.split()))


def validate_resource(uri: str) -> None:
    """RFC 8707 §2: an absolute URI without a fragment (and here without a
    query); https, or http on loopback."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ValidationError(
            _("%(uri)s is not a valid resource identifier.") % {"uri": uri}
        ) from exc
    host = parts.netloc.rsplit("@", 1)[-1].rsplit(":", 1)[0]
    secure = parts.scheme == "https" or (
        parts.scheme == "http"
        and (parts.hostname or "") in {"127.0.0.1", "::1", "localhost"}
    )
    if (
        not uri
        or len(uri) > MAX_RESOURCE_LENGTH
        or not host
        or not secure
        or "@" in parts.netloc
        or "#" in uri
        or "?" in uri
        or not uri.isprintable()
        or " " in uri
    ):
        raise ValidationError(
            _(
                "%(uri)s is not a resource identifier: an absolute https URI "
                "(http only on loopback) without query or fragment (RFC 8707 §2)."
            )
            % {"uri": uri[:200]}
        )
