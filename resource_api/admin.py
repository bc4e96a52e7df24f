from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from resource_api.models import ApiOperation, Document
from resource_api.services import operation_scopes_set


@admin.register(ApiOperation)
class ApiOperationAdmin(admin.ModelAdmin):
    list_display = ("operation_id", "method", "path", "scopes", "per_user")
    search_fields = ("operation_id", "path", "scopes")
    readonly_fields = ("operation_id", "method", "path")
    fields = ("operation_id", "method", "path", "scopes", "per_user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Operations come from the API itself (sync_api_operations).
        return False

    def save_model(
        self, request: HttpRequest, obj: ApiOperation, form: object, change: bool
    ) -> None:
        obj.save(update_fields=["per_user"])
        operation_scopes_set(operation=obj, scopes=obj.scopes.split())


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "owner_sub", "created")
    search_fields = ("title", "owner_sub")
