"""Admin console: clients and scopes (tokens, consents and audit: admin_tokens.py).

Thin screens over oauth_grants.client_services (and services for tokens). A
client secret is shown exactly once, in the response to the save or
regenerate that created it; it is never stored in clear, so no later page,
list, log or export can show it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms.utils import ErrorList
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from oauth_grants.actors import acting_user
from oauth_grants.admin_forms import (
    CLIENT_FIELD_GROUPS,
    ClientAdminForm,
    LabelledInlineForm,
    LabelledInlineFormSet,
)
from oauth_grants.admin_tokens import (  # noqa: F401 - DOT imports these from here
    AccessTokenAdmin,
    AuthorizationCodeAdmin,
    IDTokenAdmin,
    RefreshTokenAdmin,
)
from oauth_grants.client_services import (
    client_delete,
    client_edit_record,
    client_save,
    client_secret_regenerate,
    clients_set_enabled,
    scope_deletion_blockers,
)
from oauth_grants.models import Client, ClientScope, GrantType, Scope
from oauth_grants.redirect_uris import describe_redirect_uri
from oauth_grants.secret_handoff import secret_handoff_create, secret_handoff_take
from oauth_grants.services import tokens_revoke

# The product's name where Django's admin says "Django administration"; and no
# "View site" link: this server has no public home page to go back to.
admin.site.site_header = _("authserver administration")
admin.site.site_title = _("authserver admin")
admin.site.index_title = _("OAuth clients, tokens and the audit trail")
admin.site.site_url = None


class CountedErrorsModelAdmin(admin.ModelAdmin):
    """The banner above a refused form counts every message, not every field.

    Django's admin counts fields with errors, so two messages on one field
    read "Please correct the error below."
    """

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        errors = context.get("errors")
        if errors:
            flat = ErrorList()
            for entry in errors:
                flat.extend(entry if isinstance(entry, list) else [entry])
            context["errors"] = flat
        return super().render_change_form(request, context, *args, **kwargs)


class ClientScopeInline(admin.TabularInline):
    model = ClientScope
    form = LabelledInlineForm
    formset = LabelledInlineFormSet
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


class ClientAdmin(CountedErrorsModelAdmin):
    form = ClientAdminForm
    list_display = (
        "name",
        "grants",
        "client_type",
        "enabled",
        "created_at",
        "short_client_id",
    )
    list_filter = ("client_type", "enabled", "is_resource_server")
    search_fields = ("name", "client_id")
    readonly_fields = ("client_id",)
    inlines = [ClientScopeInline]
    actions = [revoke_client_tokens, disable_clients, enable_clients]
    change_form_template = "admin/oauth_grants/client/change_form.html"
    # No public page to view a client on: its page is this one.
    view_on_site = False

    def get_fieldsets(
        self, request: HttpRequest, obj: Client | None = None
    ) -> list[Any]:
        fieldsets: list[Any] = []
        for heading, names, classes in CLIENT_FIELD_GROUPS:
            fields = list(names)
            if obj is not None and "name" in fields:
                fields.insert(0, "client_id")
            fieldsets.append((heading, {"fields": fields, "classes": classes}))
        return fieldsets

    @admin.display(description=_("grant types"))
    def grants(self, obj: Client) -> str:
        labels = dict(GrantType.choices)
        return ", ".join(str(labels.get(g, g)) for g in obj.grant_types) or "-"

    @admin.display(description=_("created"), ordering="created")
    def created_at(self, obj: Client) -> str:
        return date_format(localtime(obj.created), "Y-m-d")

    @admin.display(description=_("client ID"), ordering="client_id")
    def short_client_id(self, obj: Client) -> str:
        return format_html(
            '<code title="{}">{}…</code>', obj.client_id, obj.client_id[:10]
        )

    def save_model(
        self, request: HttpRequest, obj: Client, form: forms.Form, change: bool
    ) -> None:
        request._client_scopes_before = (  # type: ignore[attr-defined]
            list(obj.allowed_scopes.values_list("name", flat=True)) if change else []
        )
        request._new_client_secret = client_save(  # type: ignore[attr-defined]
            client=obj, is_new=not change
        )
        for uri in obj.redirect_uri_list:
            self.message_user(request, describe_redirect_uri(uri), messages.INFO)

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: list, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        client_edit_record(
            client=form.instance,
            actor=acting_user(request),
            is_new=not change,
            was_enabled=bool(form.initial.get("enabled", True)) if change else True,
            changed_fields=form.changed_data if change else [],
            scopes_before=request._client_scopes_before,  # type: ignore[attr-defined]
        )

    def response_add(
        self, request: HttpRequest, obj: Client, post_url_continue: str | None = None
    ) -> HttpResponse:
        secret = getattr(request, "_new_client_secret", None)
        if secret:
            return self._redirect_to_secret(request, obj, secret, created=True)
        return super().response_add(request, obj, post_url_continue)

    def _redirect_to_secret(
        self, request: HttpRequest, client: Client, secret: str, created: bool
    ) -> HttpResponse:
        """Post/Redirect/Get: a reload or Back never resubmits the POST."""
        handle = secret_handoff_create(
            client=client, secret=secret, created=created, actor=acting_user(request)
        )
        return HttpResponseRedirect(
            reverse("admin:oauth_grants_client_secret", args=[handle])
        )

    def secret_view(self, request: HttpRequest, handle: str) -> HttpResponse:
        """The new secret, once; afterwards a page that says it was shown."""
        handoff = secret_handoff_take(handle=handle, actor=acting_user(request))
        shown = handoff is not None and handoff.secret is not None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "handoff": handoff,
            "client": handoff.client if handoff else None,
            "secret": handoff.secret if handoff else None,
            "title": _("Client secret") if shown else _("Secret already shown"),
        }
        response = TemplateResponse(
            request,
            "admin/oauth_grants/client/secret_once.html",
            context,
            status=200 if shown else 410,
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
            path(
                "secret/<str:handle>/",
                self.admin_site.admin_view(self.secret_view),
                name="oauth_grants_client_secret",
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
            return self._redirect_to_secret(request, client, secret, created=False)
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


class ScopeAdminForm(forms.ModelForm):
    """The description; ``scope_admin_form`` adds one field per other language
    (LANGUAGES), kept in Scope.translations."""

    class Meta:
        model = Scope
        fields = ["name", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, text in (self.instance.translations or {}).items():
            self.initial.setdefault("description_" + code, text)

    def save(self, commit: bool = True) -> Scope:
        self.instance.translations = {
            code: text
            for code, _language in translated_languages()
            if (text := self.cleaned_data.get("description_" + code, "").strip())
        }
        return super().save(commit)


def scope_admin_form() -> type[ScopeAdminForm]:
    """ScopeAdminForm with a description field for each language (read now)."""
    fields = {
        "description_" + code: forms.CharField(
            label=_("Description (%(language)s)") % {"language": language},
            max_length=255,
            required=False,
            help_text=_("Empty: the description above is shown."),
        )
        for code, language in translated_languages()
    }
    return type("ScopeAdminForm", (ScopeAdminForm,), fields)


def translated_languages() -> list[tuple[str, str]]:
    """LANGUAGES except the default language (the description itself)."""
    default = settings.LANGUAGE_CODE.split("-")[0]
    return [(code, name) for code, name in settings.LANGUAGES if code != default]


class ScopeClientInline(admin.TabularInline):
    model = ClientScope
    form = LabelledInlineForm
    formset = LabelledInlineFormSet
    extra = 1
    autocomplete_fields = ["client"]
    verbose_name = _("client allowed this scope")
    verbose_name_plural = _("clients allowed this scope")


@admin.register(Scope)
class ScopeAdmin(CountedErrorsModelAdmin):
    form = ScopeAdminForm
    list_display = ("name", "description", "covers")
    search_fields = ("name", "description")
    inlines = [ScopeClientInline]

    def get_form(
        self,
        request: HttpRequest,
        obj: Any | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm]:
        kwargs["form"] = scope_admin_form()
        return super().get_form(request, obj, change, **kwargs)

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
