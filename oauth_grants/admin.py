"""Admin screens (issue 4 grows these). No screen ever shows a secret or token."""

from __future__ import annotations

from django.contrib import admin

from oauth_grants.models import (
    AccessToken,
    AuditEvent,
    AuthorizationCode,
    Client,
    ClientScope,
    Consent,
    IDToken,
    RefreshToken,
    Scope,
)


class ClientScopeInline(admin.TabularInline):
    model = ClientScope
    extra = 1


class ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "client_id", "client_type", "enabled", "created")
    list_filter = ("client_type", "enabled")
    search_fields = ("name", "client_id")
    exclude = ("client_secret", "user", "authorization_grant_type")
    readonly_fields = ("client_id",)
    inlines = [ClientScopeInline]


class ReadOnlyTokenAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "application",
        "scope",
        "created",
        "expires",
        "revoked",
    )
    list_filter = ("revoked",)
    exclude = ("token", "token_checksum")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


class AccessTokenAdmin(ReadOnlyTokenAdmin):
    pass


class RefreshTokenAdmin(ReadOnlyTokenAdmin):
    pass


class AuthorizationCodeAdmin(ReadOnlyTokenAdmin):
    list_display = (
        "id",
        "user",
        "application",
        "scope",
        "created",
        "expires",
        "redeemed_at",
    )
    list_filter = ()
    exclude = ("code",)


class IDTokenAdmin(ReadOnlyTokenAdmin):
    list_display = ("id", "user", "application", "scope", "created", "expires")
    list_filter = ()
    exclude = ()


@admin.register(Scope)
class ScopeAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "client", "scope", "granted_at", "last_used_at")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created", "event", "outcome", "actor", "client_identifier", "user")
    list_filter = ("event", "outcome")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


__all__ = [
    "AccessToken",
    "AuthorizationCode",
    "Client",
    "IDToken",
    "RefreshToken",
]
