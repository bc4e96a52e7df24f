"""OpenID Connect: discovery, JWKS and UserInfo (Core §5.3, Discovery §3)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from oauth_grants.cors import ANY_ORIGIN, TOKEN_CLIENT, TOKEN_CLIENT_ID_ATTRIBUTE, cors
from oauth_grants.oidc_claims import claims_for_scopes
from oauth_grants.oidc_keys import oidc_enabled, public_jwks
from oauth_grants.selectors import access_token_active
from oauth_grants.views.decorate import decorate_view
from oauth_grants.views.discovery import metadata_document


@cors(ANY_ORIGIN, "GET")
@require_GET
def openid_configuration(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        return JsonResponse({"error": "OpenID Connect is not configured"}, status=404)
    response = JsonResponse(metadata_document())
    response["Cache-Control"] = "public, max-age=300"
    return response


@cors(ANY_ORIGIN, "GET")
@require_GET
def jwks(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(public_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


def bearer_error(error: str, status: int, description: str) -> HttpResponse:
    response = JsonResponse(
        {"error": error, "error_description": description}, status=status
    )
    challenge = 'Bearer realm="authserver"'
    if error != "invalid_request":
        challenge += ', error="%s"' % error
    response["WWW-Authenticate"] = challenge
    response["Cache-Control"] = "no-store"
    return response


@decorate_view(csrf_exempt, cors(TOKEN_CLIENT, "GET, POST"))
class UserInfoView(View):
    """Claims about the token's person, as far as the token's scopes reveal."""

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return bearer_error("invalid_request", 401, "A Bearer token is required.")
        token = access_token_active(value=value.strip())
        if token is None or token.user is None:
            return bearer_error("invalid_token", 401, "The access token is not valid.")
        setattr(request, TOKEN_CLIENT_ID_ATTRIBUTE, token.client_id)
        scopes = set(token.scope.split())
        if "openid" not in scopes:
            return bearer_error(
                "insufficient_scope", 403, "The openid scope is required."
            )
        response = JsonResponse(claims_for_scopes(token.user, scopes))
        response["Cache-Control"] = "no-store"
        return response

    post = get
