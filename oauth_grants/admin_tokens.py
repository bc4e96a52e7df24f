"""Admin screens for tokens, consents, the audit trail and users' tokens.

Token values never appear: rows hold only digests, which are excluded too,
and nothing here is searchable by token. Tokens cannot be added or edited;
revocation goes through services.tokens_revoke / consent_revoke.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oauth_grants.actors import acting_user
from oauth_grants.lockout import locked_username_keys, login_unlock
from oauth_grants.models import AccessToken, AuditEvent, Consent, RefreshToken
from oauth_grants.services import consent_revoke, tokens_revoke


class TokenStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin):
        return [
            ("active", _("Active")),
            ("expired", _("Expired")),
            ("revoked", _("Revoked")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        now = timezone.now()
        live_expiry = Q(expires__gt=now) | Q(expires__isnull=True)
        if self.value() == "active":
            return queryset.filter(live_expiry, revoked__isnull=True)
        if self.value() == "expired":
            return queryset.filter(revoked__isnull=True).exclude(live_expiry)
        if self.value() == "revoked":
            return queryset.filter(revoked__isnull=False)
        return queryset


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class TokenAdminBase(ReadOnlyAdmin):
    list_display = (
        "id",
        "user",
        "application",
        "scope",
        "created",
        "expires",
        "status",
    )
    list_filter = (
        TokenStatusFilter,
        ("application", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("user__username", "application__name", "application__client_id")
    list_select_related = ("user", "application")
    exclude: ClassVar[tuple[str, ...]] = ("token", "token_checksum")
    date_hierarchy = "created"
    kind = "access"

    @admin.display(description=_("status"))
    def status(self, obj: AccessToken | RefreshToken) -> str:
        return obj.status

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Revoke the selected tokens (and their families)"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        actor = acting_user(request)
        if self.kind == "access":
            count = tokens_revoke(access_token_ids=ids, actor=actor, via="admin")
        else:
            count = tokens_revoke(refresh_token_ids=ids, actor=actor, via="admin")
        self.message_user(request, _("%d token(s) revoked.") % count)

    actions = ["revoke_selected"]


class AccessTokenAdmin(TokenAdminBase):
    kind = "access"


class RefreshTokenAdmin(TokenAdminBase):
    kind = "refresh"
    exclude: ClassVar[tuple[str, ...]] = ("token", "token_checksum", "access_token")


class AuthorizationCodeAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "user",
        "application",
        "scope",
        "created",
        "expires",
        "redeemed_at",
    )
    exclude = ("code", "code_challenge")
    list_select_related = ("user", "application")


class IDTokenAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "application", "scope", "created", "expires")
    list_select_related = ("user", "application")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("user", "client", "scope", "granted_at", "last_used_at")
    list_filter = (("client", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("user__username", "client__name", "client__client_id")
    list_select_related = ("user", "client")
    actions = ["revoke_consents"]

    @admin.action(description=_("Revoke the selected consents and their tokens"))
    def revoke_consents(
        self, request: HttpRequest, queryset: QuerySet[Consent]
    ) -> None:
        total = sum(
            consent_revoke(consent=c, actor=acting_user(request), via="admin")
            for c in queryset
        )
        self.message_user(request, _("Consent revoked; %d token(s) revoked.") % total)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created",
        "event",
        "outcome",
        "actor",
        "client_label",
        "user",
        "remote_addr",
    )
    list_filter = (
        "event",
        "outcome",
        ("client", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    )
    date_hierarchy = "created"
    search_fields = ("client_identifier", "user__username", "actor__username")
    list_select_related = ("actor", "user", "client")

    @admin.display(description=_("client"))
    def client_label(self, obj: AuditEvent) -> str:
        return str(obj.client) if obj.client else obj.client_identifier


User = get_user_model()


@admin.action(description=_("Unlock sign-in for the selected users"))
def unlock_sign_in(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> None:
    for user in queryset:
        login_unlock(username=user.get_username())
    modeladmin.message_user(request, _("%d account(s) unlocked.") % queryset.count())


@admin.action(description=_("Revoke all tokens of the selected users"))
def revoke_user_tokens(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> None:
    total = sum(
        tokens_revoke(user=u, actor=acting_user(request), via="admin") for u in queryset
    )
    modeladmin.message_user(request, _("%d token(s) revoked.") % total)


if admin.site.is_registered(User):
    admin.site.unregister(User)


class SignInLockedFilter(admin.SimpleListFilter):
    title = _("sign-in")
    parameter_name = "sign_in"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("locked", _("Locked out")), ("open", _("Not locked"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("locked", "open"):
            return queryset.filter(sign_in_locked=self.value() == "locked")
        return queryset


@admin.register(User)
class OAuthUserAdmin(UserAdmin):
    actions = [revoke_user_tokens, unlock_sign_in]
    # Django's own columns, read from the class on purpose.
    list_display = (*UserAdmin.list_display, "sign_in_locked")  # type: ignore[misc]
    list_filter = (*UserAdmin.list_filter, SignInLockedFilter)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        locked = locked_username_keys().filter(
            username_key=Lower(OuterRef(User.USERNAME_FIELD))
        )
        return super().get_queryset(request).annotate(sign_in_locked=Exists(locked))

    @admin.display(
        description=_("sign-in locked"), boolean=True, ordering="-sign_in_locked"
    )
    def sign_in_locked(self, obj: Any) -> bool:
        return bool(getattr(obj, "sign_in_locked", False))
