"""URLs of the stock DOT peer: DOT's own URLconf under ``/o/``."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
