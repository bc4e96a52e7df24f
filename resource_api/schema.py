"""OpenAPI: each operation lists the OAuth scopes that cover it."""

from __future__ import annotations

from django.db import DatabaseError
from drf_spectacular.openapi import AutoSchema

from resource_api.operations import operation_for, operation_table


class ScopedAutoSchema(AutoSchema):
    def get_auth(self) -> list[dict[str, list[str]]]:
        operation = operation_for(self.view, self.method)
        if operation is None:
            return []
        try:
            entry = operation_table().get(operation.operation_id)
        except DatabaseError:
            # No database yet (system checks on a fresh checkout): the defaults.
            entry = None
        scopes = sorted(entry[0]) if entry else list(operation.default_scopes)
        return [{"oauth2": scopes}]
