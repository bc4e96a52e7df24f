"""/api/docs/: Swagger UI that says how to get a token, and whose Authorize works.

The page opens with what a developer needs before calling the API: the
client to use (DOCS_CLIENT_ID, a public client; ``seed_demo`` registers
one), the flow (authorization code with PKCE S256, RFC 7636) and the scopes,
described by the same sentence the consent page shows (scope_descriptions,
in the reader's language). Swagger UI's Authorize button runs that flow in a
popup that comes back to ``oauth2-redirect.html`` at a fixed address under
the docs (the script is Swagger UI's own, from our static files), so a
client can register it once. The schema link opens the JSON in the browser
instead of downloading a YAML file.
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response

from resource_api.conf import api_settings
from resource_api.operations import declared_operations, operation_table

REDIRECT_SCRIPT = "drf_spectacular_sidecar/swagger-ui-dist/oauth2-redirect.js"


def docs_redirect_path() -> str:
    """Where Swagger UI's Authorize popup comes back to (register it absolute)."""
    return reverse("api-docs-oauth2-redirect")


def api_scopes() -> dict[str, str]:
    """Every scope that covers an API operation, with the consent page's sentence.

    Without oauth_grants in this project (a resource server introspecting
    remotely) the scopes are described by their names.
    """
    try:
        table = operation_table()
    except DatabaseError:
        table = {}
    names: set[str] = set()
    for declared in declared_operations():
        # As ScopedAutoSchema does: the admins' table, else the view's default.
        entry = table.get(declared.operation.operation_id)
        names.update(entry[0] if entry else declared.operation.default_scopes)
    ordered = sorted(names)
    if not apps.is_installed("oauth_grants"):
        return {name: name for name in ordered}
    from oauth_grants.scopes import scope_descriptions

    try:
        return scope_descriptions(names=ordered)
    except DatabaseError:
        return {name: name for name in ordered}


def describe_scopes(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the OAuth scopes from the Scope rows,
    and (with oauth_grants here) the endpoints from the issuer, read now."""
    schemes = result.get("components", {}).get("securitySchemes", {})
    flows = schemes.get("oauth2", {}).get("flows", {})
    scopes = api_scopes()
    for flow in flows.values():
        flow["scopes"] = scopes
        if apps.is_installed("oauth_grants"):
            from oauth_grants.endpoints import endpoint_url

            flow["authorizationUrl"] = endpoint_url("oauth-authorize")
            flow["tokenUrl"] = endpoint_url("oauth-token")
    return result


class ApiSchemaView(SpectacularAPIView):
    """The OpenAPI document; ``?format=json`` answers ``application/json``, a
    type browsers show, where drf-spectacular's first choice for the link
    (YAML as application/vnd.oai.openapi) made them download a file."""

    renderer_classes = [
        OpenApiYamlRenderer,
        OpenApiYamlRenderer2,
        OpenApiJsonRenderer2,
        OpenApiJsonRenderer,
    ]


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI with the how-to-get-a-token header and a working Authorize."""

    template_name = "resource_api/api_docs.html"

    def _get_schema_url(self, request: HttpRequest) -> str:
        # JSON with a type browsers display: the link opens, not downloads.
        return reverse(self.url_name) + "?format=json"

    @extend_schema(exclude=True)
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        scopes = api_scopes()
        redirect_uri = request.build_absolute_uri(docs_redirect_path())
        if request.GET.get("script") is not None:
            oauth2 = {
                "usePkceWithAuthorizationCodeGrant": True,
                "scopes": list(scopes),
                "appName": spectacular_settings.TITLE,
            }
            if api_settings.DOCS_CLIENT_ID:
                oauth2["clientId"] = api_settings.DOCS_CLIENT_ID
            settings = {
                **spectacular_settings.SWAGGER_UI_SETTINGS,
                "oauth2RedirectUrl": redirect_uri,
                # Deep links put a link inside each operation's button
                # (axe: nested-interactive); the page works without them.
                "deepLinking": False,
            }
            response.data["oauth2_config"] = json.dumps(oauth2)
            response.data["settings"] = json.dumps(settings)
            return response
        response.data.update(
            {
                "client_id": api_settings.DOCS_CLIENT_ID,
                "scopes": scopes,
                "redirect_uri": redirect_uri,
                "schema_url": self._get_schema_url(request),
            }
        )
        return response


def oauth2_redirect(request: HttpRequest) -> HttpResponse:
    """Swagger UI's oauth2-redirect.html at a fixed address, its script from
    our static files (a hashed static name would change with each release)."""
    return render(
        request,
        "resource_api/oauth2_redirect.html",
        {"script": static(REDIRECT_SCRIPT)},
    )
