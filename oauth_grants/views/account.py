"""/account/apps/: the apps a person has authorized, and "Revoke access"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from oauth_grants.actors import acting_user
from oauth_grants.client_address import client_address
from oauth_grants.models import Consent, Scope
from oauth_grants.services import consent_revoke


@never_cache  # a person's own list: no shared or browser cache may keep it
@login_required
@require_http_methods(["GET"])
def authorized_apps(request: HttpRequest) -> HttpResponse:
    consents = list(
        Consent.objects.filter(user=acting_user(request)).select_related("client")
    )
    descriptions = dict(Scope.objects.values_list("name", "description"))
    apps = [
        {
            "consent": consent,
            "scopes": [(name, descriptions.get(name, name)) for name in consent.scopes],
        }
        for consent in consents
    ]
    return render(request, "oauth_grants/account_apps.html", {"apps": apps})


@login_required
@require_POST
def revoke_app(request: HttpRequest, consent_id: int) -> HttpResponse:
    """Revoke the consent and every token of that app for this person."""
    consent = get_object_or_404(Consent, pk=consent_id, user=acting_user(request))
    name = consent.client.name
    consent_revoke(
        consent=consent,
        actor=acting_user(request),
        remote_addr=client_address(request),
        via="account",
    )
    messages.success(request, _("%(name)s no longer has access.") % {"name": name})
    return redirect("oauth_grants:account-apps")
