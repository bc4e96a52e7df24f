"""The audit trail and revocations in words, for the admin's pages.

An audit row keeps ids and field names (``AuditEvent.detail``); these turn
them into what a person reads: whose tokens, which fields changed, when to
the second and in which zone. Never a secret value: the rows hold none.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from oauth_grants.admin_forms import ClientAdminForm
from oauth_grants.models import AuditEvent, Client
from oauth_grants.services import Revocation


def timestamp_text(moment: datetime) -> str:
    """``2026-11-30 09:18:44 UTC``: to the second, with the zone."""
    return date_format(localtime(moment), "Y-m-d H:i:s T")


def timestamp_cell(moment: datetime | None) -> str:
    """The same on two lines (date, then time and zone), for narrow list columns."""
    if moment is None:
        return "-"
    local = localtime(moment)
    return format_html(
        '<span class="oauth-when">{}<br>{}</span>',
        date_format(local, "Y-m-d"),
        date_format(local, "H:i:s T"),
    )


def audit_subject(event: AuditEvent) -> str:
    """Whom the event concerns: the client and the person, those it names."""
    parts = []
    if event.client_id is not None and event.client is not None:
        parts.append(_("client %s") % event.client)
    elif event.client_identifier:
        parts.append(_("client %s") % event.client_identifier)
    if event.user is not None:
        parts.append(_("user %s") % event.user.get_username())
    return " · ".join(parts) or "-"


def _field_label(name: str) -> str:
    """The form's label of a client field, as the admin saw it."""
    field = ClientAdminForm.base_fields.get(name)
    if field is not None and field.label:
        return str(field.label).lower()
    try:
        return str(Client._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field removed since the event
        return name


def _client_change(detail: dict[str, Any]) -> str:
    parts = []
    changed = [f for f in detail.get("changed", []) if isinstance(f, str)]
    if changed:
        parts.append(_("changed %s") % ", ".join(_field_label(f) for f in changed))
    if detail.get("scopes_added"):
        parts.append(
            _("scopes added: %s") % ", ".join(map(str, detail["scopes_added"]))
        )
    if detail.get("scopes_removed"):
        parts.append(
            _("scopes removed: %s") % ", ".join(map(str, detail["scopes_removed"]))
        )
    if detail.get("enabled") is True:
        parts.append(_("enabled"))
    return "; ".join(parts) or _("saved without changes")


def _scopes(detail: dict[str, Any]) -> str:
    scope = str(detail.get("scope", "")).strip()
    return _("scopes %s") % scope.replace(" ", ", ") if scope else _("no scope")


def audit_summary(event: AuditEvent) -> str:
    """What happened, in a line: the part of the event its type does not say."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    kind = event.event
    types = AuditEvent.Type
    if kind in (types.CLIENT_CHANGED, types.CLIENT_CREATED):
        if kind == types.CLIENT_CREATED:
            return _("registered")
        return _client_change(detail)
    if kind == types.SECRET_REGENERATED:
        return _("new secret issued; the previous one stopped working")
    if kind == types.CLIENT_DISABLED:
        return _("disabled; its tokens stop working")
    if kind == types.CLIENT_DELETED:
        return _("deleted %s") % detail.get("name", "")
    if kind == types.TOKEN_REVOKED:
        revoked = int(detail.get("revoked", 0) or 0)
        text = ngettext("%d token revoked", "%d tokens revoked", revoked) % revoked
        if "selected" in detail:
            text += _(" (%d selected)") % int(detail["selected"])
        if detail.get("via"):
            text += _(", via %s") % detail["via"]
        return text
    if kind == types.CONSENT_REVOKED:
        count = int(detail.get("tokens_revoked", 0) or 0)
        return ngettext(
            "consent and %d token revoked", "consent and %d tokens revoked", count
        ) % count + (_(", via %s") % detail["via"] if detail.get("via") else "")
    if kind == types.CONSENT_DENIED:
        return _("the person pressed Deny")
    if kind == types.CONSENT_GRANTED:
        if detail.get("remembered"):
            return _("%s, remembered from before") % _scopes(detail)
        return _scopes(detail)
    if kind in (types.TOKEN_ISSUED, types.TOKEN_REFRESHED):
        grant = str(detail.get("grant_type", "")).replace("_", " ")
        return "%s%s" % (_scopes(detail), " (%s)" % grant if grant else "")
    return ", ".join("%s: %s" % (k, v) for k, v in sorted(detail.items()))


def revocation_message(done: Revocation, *, kind: str) -> str:
    """The message after "revoke the selected tokens": selected vs the family."""
    if done.revoked == 0:
        return _("The selected tokens were already revoked: nothing changed.")
    if done.revoked <= done.selected:
        return (
            ngettext("%d token revoked.", "%d tokens revoked.", done.revoked)
            % done.revoked
        )
    values = {"selected": done.selected, "total": done.revoked}
    if kind == "access":
        return (
            ngettext(
                "%(selected)d access token revoked; the refresh token issued with it "
                "went with it (%(total)d tokens in all).",
                "%(selected)d access tokens revoked; the refresh tokens issued with "
                "them went with them (%(total)d tokens in all).",
                done.selected,
            )
            % values
        )
    return (
        ngettext(
            "%(selected)d refresh token revoked; the access tokens of the same "
            "authorization went with it (%(total)d tokens in all).",
            "%(selected)d refresh tokens revoked; the access tokens of the same "
            "authorizations went with them (%(total)d tokens in all).",
            done.selected,
        )
        % values
    )
