"""/account/apps/: the apps a person has authorized, and "Revoke access".

Revoking asks first: the list links to a confirmation page (a plain GET,
no JavaScript), whose form POSTs the revocation with its CSRF token.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from oauth_grants.actors import acting_user
from oauth_grants.client_address import client_address
from oauth_grants.models import Consent
from oauth_grants.scopes import scope_descriptions
from oauth_grants.selectors import authorized_apps_for_user
from oauth_grants.services import consent_revoke


@never_cache  # a person's own list: no shared or browser cache may keep it
@login_required
@require_http_methods(["GET"])
def authorized_apps(request: HttpRequest) -> HttpResponse:
    apps = authorized_apps_for_user(user=acting_user(request))
    return render(request, "oauth_grants/account_apps.html", {"apps": apps})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def revoke_app(request: HttpRequest, consent_id: int) -> HttpResponse:
    """GET: what revoking will do, and a button; POST: revoke the consent and
    every token of that app for this person."""
    consent = get_object_or_404(
        Consent.objects.select_related("client"),
        pk=consent_id,
        user=acting_user(request),
    )
    if request.method == "GET":
        descriptions = scope_descriptions(names=consent.scopes)
        return render(
            request,
            "oauth_grants/account_revoke_confirm.html",
            {"consent": consent, "scopes": list(descriptions.values())},
        )
    name = consent.client.name
    consent_revoke(
        consent=consent,
        actor=acting_user(request),
        remote_addr=client_address(request),
        via="account",
    )
    messages.success(request, _("%(name)s no longer has access.") % {"name": name})
    return redirect("oauth_grants:account-apps")
