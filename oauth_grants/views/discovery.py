"""RFC 8414 authorization server metadata, with OpenID Connect Discovery's
fields when OpenID Connect is on (served by both well-known views)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from oauth2_provider.settings import oauth2_settings

from oauth_grants.conf import app_settings
from oauth_grants.endpoints import endpoint_url
from oauth_grants.models import Scope
from oauth_grants.oidc_claims import CLAIM_SCOPE
from oauth_grants.oidc_keys import oidc_enabled

CLIENT_AUTH = ["client_secret_basic", "client_secret_post"]


def metadata_document() -> dict[str, object]:
    """RFC 8414 metadata; with OpenID Connect on, its Discovery fields too.

    The issuer is the configured public URL, exactly (RFC 8414 §3.3); the
    endpoints are where the URLconf mounts them (``endpoint_url``).
    """
    metadata: dict[str, object] = {
        "issuer": app_settings.ISSUER,
        "authorization_endpoint": endpoint_url("oauth-authorize"),
        "token_endpoint": endpoint_url("oauth-token"),
        "introspection_endpoint": endpoint_url("oauth-introspect"),
        "revocation_endpoint": endpoint_url("oauth-revoke"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": oauth2_settings.OAUTH2_GRANT_TYPES_SUPPORTED,
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": [*CLIENT_AUTH, "none"],
        "introspection_endpoint_auth_methods_supported": CLIENT_AUTH,
        "revocation_endpoint_auth_methods_supported": [*CLIENT_AUTH, "none"],
        "scopes_supported": list(Scope.objects.values_list("name", flat=True)),
        "authorization_response_iss_parameter_supported": True,
        "prompt_values_supported": ["none", "consent"],
    }
    if oidc_enabled():
        metadata.update(oidc_metadata_extra())
    return metadata


def oidc_metadata_extra() -> dict[str, object]:
    """OpenID Connect Discovery §3 fields beyond RFC 8414's."""
    return {
        "userinfo_endpoint": endpoint_url("oidc-userinfo"),
        "jwks_uri": endpoint_url("oidc-jwks"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "subject_types_supported": ["public"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", *CLAIM_SCOPE],
    }


@require_GET
def authorization_server_metadata(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(metadata_document())
    response["Cache-Control"] = "public, max-age=300"
    return response
