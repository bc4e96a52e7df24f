"""The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0).

The request is validated first (oauth_grants/end_session.py); an untrusted
one gets an error page and no redirect. When the person must confirm, the
validated request is parked in the session under a random id and the form
posts back only that id, as the consent page does.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from oauth_grants.authorization_response import ClientRedirect, add_query
from oauth_grants.end_session import (
    EndSessionError,
    EndSessionRequest,
    end_session_request,
)
from oauth_grants.views.decorate import decorate_view
from oauth_grants.views.error_page import error_page

PENDING_KEY = "oauth_end_session"
PARAMETERS = ("id_token_hint", "client_id", "post_logout_redirect_uri", "state")


@decorate_view(never_cache)
class EndSessionView(View):
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        params = request.GET
        repeated = [name for name in PARAMETERS if len(params.getlist(name)) > 1]
        if repeated:
            return error_page(
                request,
                "invalid_request",
                _("Parameter %(name)s is repeated.") % {"name": repeated[0]},
            )
        try:
            ask = end_session_request(**{name: params.get(name) for name in PARAMETERS})
        except EndSessionError as exc:
            return error_page(request, "invalid_request", str(exc))
        user = request.user if request.user.is_authenticated else None
        if not ask.needs_confirmation(user):
            return self._sign_out(request, ask)
        pending_id = secrets.token_urlsafe(16)
        request.session[PENDING_KEY] = {
            "id": pending_id,
            "params": {name: params.get(name) for name in PARAMETERS},
        }
        return render(
            request,
            "oauth_grants/logout_confirm.html",
            {"client": ask.client, "pending_id": pending_id},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        pending: dict[str, Any] = request.session.pop(PENDING_KEY, None) or {}
        if not pending or pending.get("id") != request.POST.get("request_id"):
            return error_page(
                request,
                "invalid_request",
                _("This sign-out request has expired or was already answered."),
            )
        try:
            ask = end_session_request(**pending["params"])
        except EndSessionError as exc:
            return error_page(request, "invalid_request", str(exc))
        if request.POST.get("decision") != "sign_out":
            return render(
                request, "oauth_grants/signed_out.html", {"signed_out": False}
            )
        return self._sign_out(request, ask)

    def _sign_out(self, request: HttpRequest, ask: EndSessionRequest) -> HttpResponse:
        logout(request)
        if ask.post_logout_redirect_uri:
            target = ask.post_logout_redirect_uri
            if ask.state:
                target = add_query(target, {"state": ask.state})
            return ClientRedirect(target)
        return render(
            request,
            "oauth_grants/signed_out.html",
            {"signed_out": True, "client": ask.client},
        )
