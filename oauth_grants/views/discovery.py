"""RFC 8414 authorization server metadata."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from oauth_grants.conf import app_settings
from oauth_grants.cors import ANY_ORIGIN, cors
from oauth_grants.models import Scope

CLIENT_AUTH = ["client_secret_basic", "client_secret_post"]


def metadata_document() -> dict[str, object]:
    """RFC 8414 metadata; with OpenID Connect on, its Discovery fields too.

    The issuer is the configured public URL, exactly (RFC 8414 §3.3).
    """
    from oauth_grants.oidc_keys import oidc_enabled
    from oauth_grants.views.oidc import oidc_metadata_extra

    issuer = app_settings.ISSUER
    metadata = {
        "issuer": issuer,
        "authorization_endpoint": issuer + "/oauth/authorize",
        "token_endpoint": issuer + "/oauth/token",
        "introspection_endpoint": issuer + "/oauth/introspect",
        "revocation_endpoint": issuer + "/oauth/revoke",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": settings.OAUTH2_PROVIDER[
            "OAUTH2_GRANT_TYPES_SUPPORTED"
        ],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": [*CLIENT_AUTH, "none"],
        "introspection_endpoint_auth_methods_supported": CLIENT_AUTH,
        "revocation_endpoint_auth_methods_supported": [*CLIENT_AUTH, "none"],
        "scopes_supported": list(Scope.objects.values_list("name", flat=True)),
        "authorization_response_iss_parameter_supported": True,
        "prompt_values_supported": ["none", "consent", "login"],
    }
    if oidc_enabled():
        metadata.update(oidc_metadata_extra())
    return metadata


@cors(ANY_ORIGIN, "GET")
@require_GET
def authorization_server_metadata(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(metadata_document())
    response["Cache-Control"] = "public, max-age=300"
    return response
