"""The authorization server's URLs, namespace ``oauth_grants``.

Include them at the site root or under a prefix: the metadata documents
build every endpoint URL with ``reverse()`` (``oauth_grants/endpoints.py``).
The paths are part of the product's contract: clients, metadata and the
resource servers name them.
"""

from django.contrib import admin
from django.urls import path

from oauth_grants.views.account import authorized_apps, revoke_app
from oauth_grants.views.admin_settings import effective_settings
from oauth_grants.views.authorize import AuthorizeView
from oauth_grants.views.discovery import authorization_server_metadata
from oauth_grants.views.introspect import IntrospectView
from oauth_grants.views.oidc import UserInfoView, jwks, openid_configuration
from oauth_grants.views.revoke import RevokeView
from oauth_grants.views.token import TokenView

app_name = "oauth_grants"

urlpatterns = [
    path(
        ".well-known/oauth-authorization-server",
        authorization_server_metadata,
        name="oauth-metadata",
    ),
    path(
        ".well-known/openid-configuration",
        openid_configuration,
        name="oidc-configuration",
    ),
    path("oauth/authorize", AuthorizeView.as_view(), name="oauth-authorize"),
    path("oauth/token", TokenView.as_view(), name="oauth-token"),
    path("oauth/introspect", IntrospectView.as_view(), name="oauth-introspect"),
    path("oauth/revoke", RevokeView.as_view(), name="oauth-revoke"),
    path("oauth/userinfo", UserInfoView.as_view(), name="oidc-userinfo"),
    path("oauth/jwks", jwks, name="oidc-jwks"),
    path("account/apps/", authorized_apps, name="account-apps"),
    path(
        "account/apps/<int:consent_id>/revoke",
        revoke_app,
        name="account-app-revoke",
    ),
    path(
        "admin/oauth-settings/",
        admin.site.admin_view(effective_settings),
        name="oauth-effective-settings",
    ),
]
