"""Which scopes cover which API operation: declared by the views, edited as data.

Each view declares its operations with the default scopes that cover them;
``sync_operations`` creates the missing ApiOperation rows from the URLconf
(the data migration and the ``sync_api_operations`` command run it), and
admins then edit the rows. The permission check reads the table through the
cache, so a protected request costs no query for it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver

from resource_api.conf import api_settings

CACHE_KEY = "resource_api:operations:v1"
NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def readable_route(route: str) -> str:
    """'^documents/(?P<pk>[^/.]+)/$' -> 'documents/{pk}/'."""
    return NAMED_GROUP.sub(r"{\1}", route).replace("^", "").replace("$", "")


@dataclass(frozen=True)
class Operation:
    operation_id: str
    default_scopes: tuple[str, ...]
    per_user: bool = True


@dataclass(frozen=True)
class DeclaredOperation:
    operation: Operation
    method: str
    path: str


HTTP_FOR_ACTION = {
    "list": "GET",
    "retrieve": "GET",
    "create": "POST",
    "update": "PUT",
    "partial_update": "PATCH",
    "destroy": "DELETE",
}


def operation_for(view: object, method: str) -> Operation | None:
    """The operation a request is about to run on ``view``."""
    declared = getattr(view, "operations", {})
    action = getattr(view, "action", None) or method.lower()
    return declared.get(action)


def declared_operations() -> list[DeclaredOperation]:
    """Every operation the API's URLconf routes to, with its method and path."""
    found: dict[str, DeclaredOperation] = {}

    def walk(patterns: list, prefix: str) -> None:
        for entry in patterns:
            route = prefix + readable_route(str(entry.pattern))
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                cls = getattr(entry.callback, "cls", None)
                declared = getattr(cls, "operations", None) or {}
                actions = getattr(entry.callback, "actions", None)
                if actions:
                    pairs = [
                        (method.upper(), action) for method, action in actions.items()
                    ]
                else:
                    pairs = [(key.upper(), key) for key in declared]
                for method, action in pairs:
                    operation = declared.get(action)
                    if operation is not None and operation.operation_id not in found:
                        found[operation.operation_id] = DeclaredOperation(
                            operation, method, route
                        )

    walk(get_resolver("resource_api.urls").url_patterns, "/api/v1/")
    return sorted(found.values(), key=lambda d: (d.path, d.method))


# This process's copy of the table: (monotonic time it expires, table).
_local_table: dict[str, tuple[float, dict[str, tuple[frozenset[str], bool]]]] = {}


def operation_table() -> dict[str, tuple[frozenset[str], bool]]:
    """operation_id -> (scopes that cover it, per_user).

    Read on every API request, so through two caches: this process's copy,
    at most OPERATION_LOCAL_SECONDS old (no round trip at all), then the
    shared cache, then the database. An edit through resource_api.services
    clears this process's copy and the shared one: this process sees it at
    once, the others within OPERATION_LOCAL_SECONDS.
    """
    now = time.monotonic()
    local = _local_table.get("table")
    if local is not None and now < local[0]:
        return local[1]
    table = cache.get(CACHE_KEY)
    if table is None:
        from resource_api.models import ApiOperation

        table = {
            row.operation_id: (frozenset(row.scope_list), row.per_user)
            for row in ApiOperation.objects.all()
        }
        cache.set(CACHE_KEY, table, api_settings.OPERATION_CACHE_SECONDS)
    _local_table["table"] = (now + api_settings.OPERATION_LOCAL_SECONDS, table)
    return table


def operations_cache_clear() -> None:
    _local_table.clear()
    cache.delete(CACHE_KEY)
