"""Admin console: clients and scopes (tokens, consents and audit: admin_tokens.py).

Thin screens over oauth_grants.services. A client secret is shown exactly
once, in the response to the save or regenerate that created it; it is
never stored in clear, so no later page, list, log or export can show it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from oauth_grants.actors import acting_user
from oauth_grants.admin_tokens import (  # noqa: F401 - DOT imports these from here
    AccessTokenAdmin,
    AuthorizationCodeAdmin,
    IDTokenAdmin,
    RefreshTokenAdmin,
)
from oauth_grants.models import Client, ClientScope, GrantType, Scope
from oauth_grants.redirect_uris import parse_redirect_uris
from oauth_grants.services import (
    client_delete,
    client_save,
    client_secret_regenerate,
    clients_set_enabled,
    scope_deletion_blockers,
    tokens_revoke,
)


class ClientAdminForm(forms.ModelForm):
    grant_types = forms.MultipleChoiceField(
        choices=GrantType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Refresh tokens are governed by 'issue refresh tokens'."),
    )
    homepage_url = forms.URLField(required=False, assume_scheme="https")
    redirect_uris = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        help_text=_(
            "One per line, matched exactly. https, or http on 127.0.0.1 / [::1] only."
        ),
    )

    class Meta:
        model = Client
        fields = [
            "name",
            "client_type",
            "grant_types",
            "redirect_uris",
            "homepage_url",
            "access_token_lifetime",
            "issue_refresh_tokens",
            "refresh_token_lifetime",
            "refresh_token_max_lifetime",
            "enabled",
            "is_resource_server",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        # Left out of a POST (a form from before the field existed, a script),
        # the absolute lifetime keeps its default or its current value.
        self.fields["refresh_token_max_lifetime"].required = False
        if self.instance.pk:
            self.initial["redirect_uris"] = "\n".join(self.instance.redirect_uri_list)
            # A secret cannot be handed to a client after the fact, nor taken away.
            self.fields["client_type"].disabled = True

    def clean_redirect_uris(self) -> str:
        return " ".join(parse_redirect_uris(self.cleaned_data["redirect_uris"]))

    def clean_grant_types(self) -> list[str]:
        return sorted(set(self.cleaned_data["grant_types"]))


class ClientScopeInline(admin.TabularInline):
    model = ClientScope
    extra = 1
    verbose_name = _("allowed scope")
    verbose_name_plural = _("allowed scopes")


@admin.action(description=_("Revoke all tokens of the selected clients"))
def revoke_client_tokens(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Client]
) -> None:
    total = sum(
        tokens_revoke(client=client, actor=acting_user(request), via="admin")
        for client in queryset
    )
    modeladmin.message_user(request, _("%d token(s) revoked.") % total)


def _set_enabled(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Client],
    enabled: bool,
) -> None:
    count = clients_set_enabled(
        clients=queryset, enabled=enabled, actor=acting_user(request)
    )
    message = _("%d client(s) enabled.") if enabled else _("%d client(s) disabled.")
    modeladmin.message_user(request, message % count)


@admin.action(description=_("Disable the selected clients"))
def disable_clients(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Client]
) -> None:
    _set_enabled(modeladmin, request, queryset, enabled=False)


@admin.action(description=_("Enable the selected clients"))
def enable_clients(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Client]
) -> None:
    _set_enabled(modeladmin, request, queryset, enabled=True)


class ClientAdmin(admin.ModelAdmin):
    form = ClientAdminForm
    list_display = ("name", "client_id", "client_type", "grants", "enabled", "created")
    list_filter = ("client_type", "enabled", "is_resource_server")
    search_fields = ("name", "client_id")
    readonly_fields = ("client_id",)
    inlines = [ClientScopeInline]
    actions = [revoke_client_tokens, disable_clients, enable_clients]
    change_form_template = "admin/oauth_grants/client/change_form.html"

    def get_fields(
        self, request: HttpRequest, obj: Client | None = None
    ) -> tuple[str, ...]:
        fields = tuple(ClientAdminForm.Meta.fields)
        return ("client_id", *fields) if obj else fields

    @admin.display(description=_("grant types"))
    def grants(self, obj: Client) -> str:
        return ", ".join(obj.grant_types)

    def save_model(
        self, request: HttpRequest, obj: Client, form: forms.Form, change: bool
    ) -> None:
        was_enabled = bool(form.initial.get("enabled", True)) if change else True
        request._new_client_secret = client_save(  # type: ignore[attr-defined]
            client=obj,
            actor=acting_user(request),
            is_new=not change,
            was_enabled=was_enabled,
        )

    def response_add(
        self, request: HttpRequest, obj: Client, post_url_continue: str | None = None
    ) -> HttpResponse:
        secret = getattr(request, "_new_client_secret", None)
        if secret:
            return self._show_secret_once(request, obj, secret, created=True)
        return super().response_add(request, obj, post_url_continue)

    def _show_secret_once(
        self, request: HttpRequest, client: Client, secret: str, created: bool
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "client": client,
            "secret": secret,
            "created": created,
            "title": _("Client secret"),
            "change_url": reverse("admin:oauth_grants_client_change", args=[client.pk]),
        }
        response = TemplateResponse(
            request, "admin/oauth_grants/client/secret_once.html", context
        )
        response["Cache-Control"] = "no-store"
        return response

    def get_urls(self) -> list:
        return [
            path(
                "<int:pk>/regenerate-secret/",
                self.admin_site.admin_view(self.regenerate_secret_view),
                name="oauth_grants_client_regenerate_secret",
            ),
            *super().get_urls(),
        ]

    def regenerate_secret_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        client = get_object_or_404(Client, pk=pk)
        if not self.has_change_permission(request, client):
            raise PermissionDenied
        if not client.is_confidential:
            self.message_user(
                request, _("Public clients have no secret."), messages.ERROR
            )
            return HttpResponseRedirect(
                reverse("admin:oauth_grants_client_change", args=[pk])
            )
        if request.method == "POST":
            secret = client_secret_regenerate(client=client, actor=acting_user(request))
            return self._show_secret_once(request, client, secret, created=False)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "client": client,
            "title": _("Regenerate secret"),
        }
        return TemplateResponse(
            request, "admin/oauth_grants/client/regenerate_confirm.html", context
        )

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple:
        # Tokens, codes and consents are read-only in the admin (no delete
        # permission), yet they must go with their client: deleting a client
        # is the permission that matters here.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        return deleted, counts, set(), protected

    def delete_model(self, request: HttpRequest, obj: Client) -> None:
        client_delete(client=obj, actor=acting_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Client]) -> None:
        for client in queryset:
            client_delete(client=client, actor=acting_user(request))


class ScopeClientInline(admin.TabularInline):
    model = ClientScope
    extra = 1
    autocomplete_fields = ["client"]
    verbose_name = _("client allowed this scope")
    verbose_name_plural = _("clients allowed this scope")


@admin.register(Scope)
class ScopeAdmin(admin.ModelAdmin):
    list_display = ("name", "description", "covers")
    search_fields = ("name", "description")
    inlines = [ScopeClientInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Scope | None = None):
        # A scope's name is what tokens and clients hold: fixed once created.
        return ("name", "covers") if obj else ("covers",)

    @admin.display(description=_("API operations it covers"))
    def covers(self, obj: Scope) -> str:
        try:
            from resource_api.models import ApiOperation
        except ImportError:
            return "-"
        ops = [
            op.operation_id
            for op in ApiOperation.objects.all()
            if obj.name in op.scope_list
        ]
        return ", ".join(ops) or "-"

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        scope = self.get_object(request, object_id)
        if scope is not None:
            blockers = scope_deletion_blockers(scope=scope)
            if blockers:
                self.message_user(
                    request,
                    _("Scope %(name)s cannot be deleted: %(why)s.")
                    % {"name": scope.name, "why": "; ".join(blockers)},
                    messages.ERROR,
                )
                return HttpResponseRedirect(
                    reverse("admin:oauth_grants_scope_change", args=[scope.pk])
                )
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Scope]) -> None:
        for scope in queryset:
            blockers = scope_deletion_blockers(scope=scope)
            if blockers:
                self.message_user(
                    request,
                    _("Scope %(name)s cannot be deleted: %(why)s.")
                    % {"name": scope.name, "why": "; ".join(blockers)},
                    messages.ERROR,
                )
            else:
                scope.delete()
