"""The API's URLs; every one answers browser apps' CORS requests (``cors.py``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from oauth_grants.cors import cors, listed_origins
from resource_api.conf import api_settings
from resource_api.views import DocumentViewSet, MeView

API_ORIGINS = listed_origins(lambda: api_settings.CORS_ALLOWED_ORIGINS)
API_METHODS = "GET, POST, PUT, PATCH, DELETE"

router = SimpleRouter()
router.register("documents", DocumentViewSet, basename="document")


def with_cors(pattern: URLPattern | URLResolver) -> URLPattern | URLResolver:
    assert isinstance(pattern, URLPattern)  # the router makes only patterns
    pattern.callback = cors(API_ORIGINS, API_METHODS)(pattern.callback)
    return pattern


urlpatterns = [
    with_cors(path("me", MeView.as_view(), name="api-me")),
    *(with_cors(pattern) for pattern in router.urls),
]
