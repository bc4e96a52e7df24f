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
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from oauth_grants.actors import acting_user
from oauth_grants.admin_forms import LabelledSplitDateTime
from oauth_grants.audit_text import (
    audit_subject,
    audit_summary,
    revocation_message,
    timestamp_cell,
    timestamp_text,
)
from oauth_grants.lockout import locked_username_keys, login_unlock
from oauth_grants.models import AccessToken, AuditEvent, Consent, RefreshToken
from oauth_grants.services import consent_revoke, tokens_revoke, tokens_revoke_selected


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
    # Status first: it is what a person looks for in this list.
    list_display = (
        "id",
        "status",
        "user",
        "application",
        "scope",
        "issued",
        "expires_at",
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

    @admin.display(description=_("issued"), ordering="created")
    def issued(self, obj: AccessToken | RefreshToken) -> str:
        return timestamp_cell(obj.created)

    @admin.display(description=_("expires"), ordering="expires")
    def expires_at(self, obj: AccessToken | RefreshToken) -> str:
        return timestamp_cell(obj.expires)

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Revoke the selected tokens (and their families)"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = tokens_revoke_selected(
            model=self.model,
            ids=queryset.values_list("pk", flat=True),
            actor=acting_user(request),
            via="admin",
        )
        self.message_user(request, revocation_message(done, kind=self.kind))

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
    # Outcome is in the event column when it is not a success; the filter
    # has it too. Every column fits beside the filters at 1280 px.
    list_display = (
        "when",
        "event_outcome",
        "actor",
        "subject",
        "summary",
        "address",
    )
    list_filter = (
        "event",
        "outcome",
        ("client", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    )
    fields = (
        "time",
        "event",
        "outcome",
        "actor",
        "subject",
        "summary",
        "address",
        "detail",
    )
    date_hierarchy = "created"
    search_fields = ("client_identifier", "user__username", "actor__username")
    list_select_related = ("actor", "user", "client")

    @admin.display(description=_("when"), ordering="created")
    def when(self, obj: AuditEvent) -> str:
        return timestamp_cell(obj.created)

    @admin.display(description=_("address"), ordering="remote_addr")
    def address(self, obj: AuditEvent) -> str:
        return obj.remote_addr or "-"

    @admin.display(description=_("when"))
    def time(self, obj: AuditEvent) -> str:
        return timestamp_text(obj.created)

    @admin.display(description=_("event"), ordering="event")
    def event_outcome(self, obj: AuditEvent) -> str:
        if obj.outcome == AuditEvent.Outcome.SUCCESS:
            return obj.get_event_display()
        return format_html(
            "{} <strong>({})</strong>",
            obj.get_event_display(),
            obj.get_outcome_display(),
        )

    @admin.display(description=_("subject"))
    def subject(self, obj: AuditEvent) -> str:
        return audit_subject(obj)

    @admin.display(description=_("what happened"))
    def summary(self, obj: AuditEvent) -> str:
        return audit_summary(obj)


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
    formfield_overrides = {models.DateTimeField: {"widget": LabelledSplitDateTime}}
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
