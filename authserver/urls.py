"""URL map. The OAuth paths are part of the product's contract."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from authserver import health
from oauth_grants.views.account import authorized_apps, revoke_app
from oauth_grants.views.admin_settings import effective_settings
from oauth_grants.views.authorize import AuthorizeView
from oauth_grants.views.discovery import authorization_server_metadata
from oauth_grants.views.introspect import IntrospectView
from oauth_grants.views.login import LockoutLoginView
from oauth_grants.views.oidc import UserInfoView, jwks, openid_configuration
from oauth_grants.views.revoke import RevokeView
from oauth_grants.views.token import TokenView

handler500 = "authserver.errors.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
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
    path("oauth/userinfo", UserInfoView.as_view(), name="oidc-userinfo"),
    path("oauth/jwks", jwks, name="oidc-jwks"),
    path("oauth/token", TokenView.as_view(), name="oauth-token"),
    path("oauth/introspect", IntrospectView.as_view(), name="oauth-introspect"),
    path("oauth/revoke", RevokeView.as_view(), name="oauth-revoke"),
    path("account/apps/", authorized_apps, name="account-apps"),
    path(
        "account/apps/<int:consent_id>/revoke",
        revoke_app,
        name="account-app-revoke",
    ),
    path("accounts/login/", LockoutLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "admin/oauth-settings/",
        admin.site.admin_view(effective_settings),
        name="oauth-effective-settings",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("resource_api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
]
