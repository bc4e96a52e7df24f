"""This API's identity as a protected resource (RFC 8707, RFC 9728).

* The API's identifier (``RESOURCE_API["IDENTIFIER"]``, by default the URL of
  its root as requested) is the audience a token must carry to be accepted
  here. A token for another API is refused (401 ``invalid_token``); a token
  with no audience is accepted unless ``REQUIRE_AUDIENCE`` is on.
* RFC 9728 protected resource metadata names the identifier, the
  authorization server, the scopes the operation table knows and how tokens
  are sent; every ``WWW-Authenticate`` challenge points to it
  (``resource_metadata``, RFC 9728 §5.1).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from oauth_grants.cors import ANY_ORIGIN, cors
from resource_api.conf import api_settings
from resource_api.introspection import TokenInfo

WELL_KNOWN = "/.well-known/oauth-protected-resource"


def api_identifier(request: HttpRequest) -> str:
    """The API's resource identifier: the setting, else its root URL here."""
    if api_settings.IDENTIFIER:
        return api_settings.IDENTIFIER
    me = reverse("api-me")
    return request.build_absolute_uri(me[: me.rindex("/") + 1])


def audience_accepted(info: TokenInfo, identifier: str) -> bool:
    """RFC 8707: a token for another API is not good here."""
    if not info.audience:
        return not api_settings.REQUIRE_AUDIENCE
    return identifier in info.audience


def metadata_url(request: HttpRequest) -> str:
    """RFC 9728 §3.1: the well-known path inserted before the identifier's path."""
    parts = urlsplit(api_identifier(request))
    return urlunsplit((parts.scheme, parts.netloc, WELL_KNOWN + parts.path, "", ""))


@cors(ANY_ORIGIN, "GET")
@require_GET
def protected_resource_metadata(request: HttpRequest, path: str = "") -> JsonResponse:
    """RFC 9728 §2: what a client needs to know to call this API."""
    from resource_api.operations import operation_table

    scopes = sorted(
        {scope for scopes, _ in operation_table().values() for scope in scopes}
    )
    document: dict[str, object] = {
        "resource": api_identifier(request),
        "scopes_supported": scopes,
        "bearer_methods_supported": ["header"],
    }
    if api_settings.AUTHORIZATION_SERVER:
        document["authorization_servers"] = [api_settings.AUTHORIZATION_SERVER]
    response = JsonResponse(document)
    response["Cache-Control"] = "public, max-age=300"
    return response
