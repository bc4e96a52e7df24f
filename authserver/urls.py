"""URL map: the OAuth server (oauth_grants.urls), sign-in, admin and the API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from authserver import health
from oauth_grants.views.login import LockoutAdminAuthenticationForm, LockoutLoginView

handler500 = "authserver.errors.server_error"

# The admin's sign-in says why a locked or throttled attempt was refused.
admin.site.login_form = LockoutAdminAuthenticationForm

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("", include("oauth_grants.urls")),
    path("accounts/login/", LockoutLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("resource_api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
]
