"""Does the token's scope cover this operation? (RFC 6750 §3.1 insufficient_scope)"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from resource_api.introspection import TokenInfo
from resource_api.operations import operation_for, operation_table


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"

    def __init__(self, needed: frozenset[str]) -> None:
        self.needed = " ".join(sorted(needed))
        super().__init__("This operation needs one of these scopes: %s." % self.needed)


class NoUserToken(exceptions.PermissionDenied):
    default_detail = (
        "This operation acts on a person's data; a client-credentials token "
        "has no person."
    )
    default_code = "insufficient_user_authentication"


class OperationScopePermission(BasePermission):
    """Grants when the token holds a scope that covers the operation.

    Operations without a row in the table are refused: a new endpoint is
    closed until ``sync_api_operations`` (or an admin) says what covers it.
    """

    def has_permission(self, request: Request, view: object) -> bool:
        info = request.auth
        if not isinstance(info, TokenInfo) or not info.active:
            return False
        operation = operation_for(view, request.method)
        entry = operation_table().get(operation.operation_id) if operation else None
        if entry is None:
            raise exceptions.PermissionDenied("This operation is not configured.")
        scopes, per_user = entry
        if not scopes & info.scopes:
            raise InsufficientScope(scopes)
        if per_user and info.sub is None:
            raise NoUserToken()
        return True
