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

    The table (edited by admins) decides; an operation without a row yet
    falls back to the scopes its view declares, never to "open".
    """

    def has_permission(self, request: Request, view: object) -> bool:
        info = request.auth
        if not isinstance(info, TokenInfo) or not info.active:
            return False
        operation = operation_for(view, request.method or "")
        if operation is None:
            raise exceptions.PermissionDenied("This operation is not configured.")
        scopes, per_user = operation_table().get(
            operation.operation_id,
            (frozenset(operation.default_scopes), operation.per_user),
        )
        if not scopes & info.scopes:
            raise InsufficientScope(scopes)
        if per_user and info.sub is None:
            raise NoUserToken()
        return True
