"""Liveness and readiness: cheap, unauthenticated, and telling an attacker nothing."""

from __future__ import annotations

import ipaddress
import os

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from oauth_grants.client_address import client_address


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """The database and the cache answer. No detail either way."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        cache.set("readyz", "1", 5)
        ready = cache.get("readyz") == "1"
    except Exception:  # noqa: BLE001 - any failure means not ready; say no more
        ready = False
    return JsonResponse(
        {"status": "ok" if ready else "unavailable"}, status=200 if ready else 503
    )


def _allowed(request: HttpRequest) -> bool:
    address = client_address(request) or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(net) for net in settings.METRICS_ALLOWED_NETWORKS
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition, for the addresses in METRICS_ALLOWED_NETWORKS only."""
    if not _allowed(request):
        return HttpResponse(status=404)
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import CollectorRegistry, multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
