"""OpenAPI: each operation lists the OAuth scopes that cover it."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

from resource_api.operations import operation_for, operation_table


class ScopedAutoSchema(AutoSchema):
    def get_auth(self) -> list[dict[str, list[str]]]:
        operation = operation_for(self.view, self.method)
        if operation is None:
            return []
        entry = operation_table().get(operation.operation_id)
        scopes = sorted(entry[0]) if entry else list(operation.default_scopes)
        return [{"oauth2": scopes}]
