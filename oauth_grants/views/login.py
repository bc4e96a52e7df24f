"""Django's LoginView with the lockout of oauth_grants/lockout.py."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from django.utils.translation import gettext as _

from oauth_grants.lockout import (
    login_failure_record,
    login_locked,
    login_success_record,
)
from oauth_grants.models import AuditEvent
from oauth_grants.services import audit_record


class LockoutAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        if login_locked(username=username, address=address):
            raise forms.ValidationError(
                _(
                    "Too many failed sign-in attempts. Try again in 15 minutes, "
                    "or ask an administrator to unlock your account."
                ),
                code="locked",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if login_failure_record(username=username, address=address):
                audit_record(
                    event=AuditEvent.Type.LOGIN_LOCKED,
                    outcome=AuditEvent.Outcome.FAILURE,
                    remote_addr=address,
                    detail={"username": username[:150]},
                )
            raise
        login_success_record(username=username)
        return cleaned


# When this session's person last proved who they are (the ID token's
# auth_time, the age max_age is measured against).
AUTH_TIME_SESSION_KEY = "auth_time"


class LockoutLoginView(LoginView):
    authentication_form = LockoutAuthenticationForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session[AUTH_TIME_SESSION_KEY] = int(time.time())
        return response
