"""The admin's client form: its groups, labels and durations in human units.

``CLIENT_FIELD_GROUPS`` is the form's layout and its field list at once: a
new policy field goes into the group where a person looks for it, and the
form, the fieldsets and the admin pick it up from there.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from oauth_grants.models import Client, GrantType
from oauth_grants.redirect_uris import parse_redirect_uris

# (group heading, field names, fieldset CSS classes). "grants" marks the
# group after which the allowed-scopes table is shown.
CLIENT_FIELD_GROUPS: list[tuple[str | Promise, list[str], tuple[str, ...]]] = [
    (
        _("Identity"),
        [
            "name",
            "client_type",
            "homepage_url",
            "privacy_policy_uri",
            "terms_of_service_uri",
            "enabled",
        ],
        (),
    ),
    (
        _("Redirects and origins"),
        ["redirect_uris", "post_logout_redirect_uris", "allowed_origins"],
        (),
    ),
    (
        _("Grants and scopes"),
        ["grant_types", "is_resource_server", "allowed_resources"],
        ("grants",),
    ),
    (
        _("Token policy"),
        [
            "access_token_lifetime",
            "issue_refresh_tokens",
            "refresh_token_lifetime",
            "refresh_token_max_lifetime",
        ],
        (),
    ),
]

# Space-separated lists on the model, one item per line in the form.
LIST_FIELDS = (
    "redirect_uris",
    "post_logout_redirect_uris",
    "allowed_origins",
    "allowed_resources",
)

# Units a duration is shown and entered in, largest first.
DURATION_UNITS: list[tuple[int, str]] = [
    (86400, "days"),
    (3600, "hours"),
    (60, "minutes"),
    (1, "seconds"),
]
UNIT_LABELS = {
    "days": _("days"),
    "hours": _("hours"),
    "minutes": _("minutes"),
    "seconds": _("seconds"),
}
UNIT_SECONDS = {name: seconds for seconds, name in DURATION_UNITS}


def duration_in_units(seconds: int) -> tuple[int, str]:
    """The largest unit that holds ``seconds`` exactly: 259200 -> (3, "days")."""
    for size, name in DURATION_UNITS:
        if seconds and seconds % size == 0:
            return seconds // size, name
    return seconds, "seconds"


def duration_text(seconds: int) -> str:
    """``259200`` -> "3 days", ``90`` -> "90 seconds"."""
    amount, unit = duration_in_units(seconds)
    words = {
        "days": ngettext("%d day", "%d days", amount),
        "hours": ngettext("%d hour", "%d hours", amount),
        "minutes": ngettext("%d minute", "%d minutes", amount),
        "seconds": ngettext("%d second", "%d seconds", amount),
    }
    return words[unit] % amount


class DurationWidget(forms.MultiWidget):
    """A number and a unit, side by side; shows a stored 259200 as 3 + days."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [
            forms.NumberInput(
                attrs={"min": "1", "step": "1", "class": "vIntegerField"}
            ),
            forms.Select(choices=list(UNIT_LABELS.items())),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if value in (None, ""):
            return [None, "seconds"]
        return list(duration_in_units(int(value)))


class DurationField(forms.MultiValueField):
    """Entered as a number and a unit; cleaned to whole seconds."""

    widget = DurationWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.IntegerField(
                min_value=1,
                max_value=10**9,
                error_messages={"min_value": _("Must be at least 1.")},
            ),
            forms.ChoiceField(choices=list(UNIT_LABELS.items())),
        )
        kwargs.pop("max_value", None)
        kwargs.pop("min_value", None)
        super().__init__(fields, require_all_fields=True, **kwargs)

    def compress(self, data_list: list[Any]) -> int | None:
        if not data_list:
            return None
        amount, unit = data_list
        if amount is None or unit not in UNIT_SECONDS:
            return None
        seconds = amount * UNIT_SECONDS[unit]
        if seconds > 2**31 - 1:
            raise forms.ValidationError(_("At most 68 years."), code="max_value")
        return seconds


def list_field(label: Any, help_text: Any) -> forms.CharField:
    """A space-separated list on the model, one item per line here."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        required=False,
        help_text=help_text,
    )


class ClientAdminForm(forms.ModelForm):
    client_type = forms.ChoiceField(
        label=_("Client type"),
        choices=[
            (
                Client.CLIENT_CONFIDENTIAL,
                _("Confidential: runs on a server and keeps a secret"),
            ),
            (
                Client.CLIENT_PUBLIC,
                _("Public: a browser or mobile app, no secret (PKCE only)"),
            ),
        ],
        initial=Client.CLIENT_CONFIDENTIAL,
        # Django admin's own radio list style (the admin's radio_fields).
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
    )
    grant_types = forms.MultipleChoiceField(
        label=_("Grant types"),
        choices=GrantType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Refresh tokens are governed by 'issue refresh tokens'."),
    )
    homepage_url = forms.URLField(
        label=_("Homepage"), required=False, assume_scheme="https"
    )
    # Linked from the consent page (the model's validator: https, or http
    # on loopback).
    privacy_policy_uri = forms.URLField(
        label=_("Privacy policy"), required=False, assume_scheme="https", max_length=500
    )
    terms_of_service_uri = forms.URLField(
        label=_("Terms of service"),
        required=False,
        assume_scheme="https",
        max_length=500,
    )
    redirect_uris = forms.CharField(
        label=_("Redirect URIs"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        help_text=_(
            "One per line. https (matched exactly); http://127.0.0.1/... or "
            "http://[::1]/... for a native app (any port); com.example.app:/... "
            "for a public native app."
        ),
    )
    post_logout_redirect_uris = list_field(
        _("Post-logout redirect URIs"),
        _("One per line: where sign-out may return the person to."),
    )
    allowed_origins = list_field(
        _("Allowed origins"),
        _(
            "Browser apps: one origin per line (https://app.example.com, or "
            "http on 127.0.0.1 / [::1] / localhost) that may call the token, "
            "revocation and userinfo endpoints from the browser (CORS)."
        ),
    )
    allowed_resources = list_field(
        _("Allowed APIs (resources)"),
        _(
            "APIs this client may ask tokens for (the resource parameter, "
            "RFC 8707), one per line."
        ),
    )
    # A new client starts with the model's defaults (one home for them).
    access_token_lifetime = DurationField(
        label=_("Access token lifetime"),
        initial=Client._meta.get_field("access_token_lifetime").default,
        help_text=Client._meta.get_field("access_token_lifetime").help_text,
    )
    refresh_token_lifetime = DurationField(
        label=_("Refresh token idle lifetime"),
        initial=Client._meta.get_field("refresh_token_lifetime").default,
        help_text=Client._meta.get_field("refresh_token_lifetime").help_text,
    )
    # Left out of a POST (a form from before the field existed, a script),
    # the absolute lifetime keeps its default or its current value.
    refresh_token_max_lifetime = DurationField(
        label=_("Refresh token absolute lifetime"),
        initial=Client._meta.get_field("refresh_token_max_lifetime").default,
        help_text=Client._meta.get_field("refresh_token_max_lifetime").help_text,
        required=False,
    )

    class Meta:
        model = Client
        fields = [
            name for _heading, names, _cls in CLIENT_FIELD_GROUPS for name in names
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["name"].label = _("Name")
        for name, field in self.fields.items():
            if isinstance(field, DurationField):
                label = str(field.label)
                field.widget.widgets[0].attrs["aria-label"] = _("%s, amount") % label
                field.widget.widgets[1].attrs["aria-label"] = _("%s, unit") % label
                field.widget.attrs["data-duration"] = name
        if self.instance.pk:
            for name in LIST_FIELDS:
                self.initial[name] = "\n".join(getattr(self.instance, name).split())
            # A secret cannot be handed to a client after the fact, nor taken away.
            self.fields["client_type"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in LIST_FIELDS:
            if name in cleaned:
                cleaned[name] = " ".join(parse_redirect_uris(cleaned[name] or ""))
        return cleaned

    def clean_grant_types(self) -> list[str]:
        return sorted(set(self.cleaned_data["grant_types"]))

    def clean_refresh_token_max_lifetime(self) -> int:
        value = self.cleaned_data.get("refresh_token_max_lifetime")
        if value is None:  # left blank or out: keep what the client has
            return self.instance.refresh_token_max_lifetime
        return value


class LabelledInlineForm(forms.ModelForm):
    """A row of an inline table: each control named by its column's label.

    The table's header is not a label; without this a screen reader meets
    bare selects and checkboxes.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label:
                # The admin wraps selects (add/change links); the wrapper's
                # copy renders the inner widget, so name that one.
                inner = getattr(field.widget, "widget", None)
                widget = inner if isinstance(inner, forms.Widget) else field.widget
                widget.attrs.setdefault("aria-label", str(field.label))


class LabelledInlineFormSet(forms.BaseInlineFormSet):
    """Names each row's "delete" checkbox (a bare checkbox in a table cell)."""

    def add_fields(self, form: forms.ModelForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Delete this row")


class LabelledSplitDateTime(AdminSplitDateTime):
    """Django admin's date and time boxes, with "Date:" and "Time:" as labels."""

    template_name = "oauth_grants/widgets/split_datetime.html"
