"""Writes of the resource API's own configuration."""

from __future__ import annotations

from django.db import transaction

from resource_api.models import ApiOperation
from resource_api.operations import declared_operations, operations_cache_clear


def operations_sync() -> list[str]:
    """Create a row, with its default scopes, for every operation the API has.

    Existing rows keep the scopes an admin chose. Returns the created ids.
    """
    created = []
    with transaction.atomic():
        for declared in declared_operations():
            op = declared.operation
            _row, was_created = ApiOperation.objects.get_or_create(
                operation_id=op.operation_id,
                defaults={
                    "method": declared.method,
                    "path": declared.path,
                    "scopes": " ".join(op.default_scopes),
                    "per_user": op.per_user,
                },
            )
            if was_created:
                created.append(op.operation_id)
    operations_cache_clear()
    return created


def operation_scopes_set(*, operation: ApiOperation, scopes: list[str]) -> ApiOperation:
    """Change which scopes cover an operation; effective on the next request."""
    operation.scopes = " ".join(dict.fromkeys(scopes))
    operation.full_clean()
    operation.save(update_fields=["scopes"])
    operations_cache_clear()
    return operation
