"""RFC 8414 authorization server metadata."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from oauth_grants.models import Scope

CLIENT_AUTH = ["client_secret_basic", "client_secret_post"]


@require_GET
def authorization_server_metadata(request: HttpRequest) -> JsonResponse:
    """The issuer is the configured public URL, exactly (RFC 8414 §3.3)."""
    issuer = settings.AUTHSERVER_ISSUER
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
        "prompt_values_supported": ["none", "consent"],
    }
    response = JsonResponse(metadata)
    response["Cache-Control"] = "public, max-age=300"
    return response
