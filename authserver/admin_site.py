"""The admin site, whose sign-in does what the people's sign-in page does.

``/admin/login/`` is Django's ``AdminSite.login``: the lockout holds there
already (it lives in the authentication backend), and ``login_form`` says
why a locked or throttled attempt was refused. What it did not do is what
``LockoutLoginView`` does once a password is right: record the session's
``auth_time`` and remember the browser as a known device of the account,
so an admin who signed in from this browser before is not shut out by an
address another client is spraying from. Installed as the default admin
site by ``authserver.apps.AdminConfig``, so ``admin.site`` is this.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from oauth_grants.views.login import LockoutAdminAuthenticationForm, signed_in


class AdminSite(admin.AdminSite):
    login_form = LockoutAdminAuthenticationForm

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().login(request, extra_context)
        # Django's LoginView answers a right password with a redirect, after
        # auth.login() has set request.user; a refusal is the form again.
        if (
            request.method == "POST"
            and response.status_code == 302
            and request.user.is_authenticated
        ):
            signed_in(request, response, user=request.user)
        return response
