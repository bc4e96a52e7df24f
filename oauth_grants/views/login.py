"""Sign-in pages: Django's views, with the lockout's reason shown.

The lockout itself is enforced in the authentication backend
(oauth_grants/auth_backends.py), so it holds for every page that signs
people in; these forms only say why a refused attempt was refused. Once a
password is right, ``signed_in`` records when (the session's auth_time) and
remembers the browser as a known device of the account: this view and the
admin's sign-in (authserver/admin_site.py) both call it.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from oauth_grants import lockout
from oauth_grants.auth_backends import REFUSAL_ATTRIBUTE
from oauth_grants.authorization_context import sign_in_client
from oauth_grants.conf import app_settings

REFUSAL_MESSAGES = {
    lockout.LOCKED: _(
        "Too many failed sign-in attempts. Try again in 15 minutes, "
        "or ask an administrator to unlock your account."
    ),
    lockout.THROTTLED: _(
        "Too many failed sign-in attempts from your network. Try again later. "
        "If you have signed in from this browser before, you can still do so."
    ),
}


class LockoutMessageMixin:
    """Replace "wrong password" with the lockout's reason when there is one."""

    request: Any

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            refusal = getattr(self.request, REFUSAL_ATTRIBUTE, None)
            if refusal in REFUSAL_MESSAGES:
                raise forms.ValidationError(
                    REFUSAL_MESSAGES[refusal], code=refusal
                ) from None
            raise


class LockoutAuthenticationForm(LockoutMessageMixin, AuthenticationForm):
    pass


class LockoutAdminAuthenticationForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass


def remember_known_device(response: HttpResponse, *, user: Any) -> None:
    """Mark this browser as one that signed in to ``user`` (lockout.py says why)."""
    response.set_cookie(
        lockout.KNOWN_DEVICE_COOKIE,
        lockout.known_device_value(user.get_username()),
        max_age=int(app_settings.LOGIN_KNOWN_DEVICE_DAYS) * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# When this session's person last proved who they are (the ID token's
# auth_time, the age max_age is measured against).
AUTH_TIME_SESSION_KEY = "auth_time"


def signed_in(request: HttpRequest, response: HttpResponse, *, user: Any) -> None:
    """What every sign-in page does once the password was right: when (the
    session's auth_time) and where (this browser, a known device)."""
    request.session[AUTH_TIME_SESSION_KEY] = int(time.time())
    remember_known_device(response, user=user)


class LockoutLoginView(LoginView):
    authentication_form = LockoutAuthenticationForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Coming from an authorization request: name the app being signed in to.
        context["client"] = sign_in_client(next_url=context.get("next") or "")
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        signed_in(self.request, response, user=form.get_user())
        return response
