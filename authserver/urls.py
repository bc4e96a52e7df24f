"""URL map: the OAuth server (oauth_grants.urls), sign-in, admin and the API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from authserver import health
from oauth_grants.views.login import LockoutLoginView
from resource_api.audience import protected_resource_metadata
from resource_api.docs import ApiDocsView, ApiSchemaView, oauth2_redirect

handler500 = "authserver.errors.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("", include("oauth_grants.urls")),
    path("accounts/login/", LockoutLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("resource_api.urls")),
    path(
        ".well-known/oauth-protected-resource",
        protected_resource_metadata,
        name="protected-resource-metadata",
    ),
    path(
        ".well-known/oauth-protected-resource/<path:path>",
        protected_resource_metadata,
        name="protected-resource-metadata-path",
    ),
    path("api/schema/", ApiSchemaView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "api/docs/oauth2-redirect.html",
        oauth2_redirect,
        name="api-docs-oauth2-redirect",
    ),
]
