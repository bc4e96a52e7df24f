"""Authentication backends that honour the sign-in lockout (oauth_grants/lockout.py).

Django's ``authenticate()`` is the one door every sign-in goes through: both
login pages (``/accounts/login/`` and ``/admin/login/``) and any page a host
project adds. The lockout therefore sits in the backend, not in a login form
(a form-level lockout left ``/admin/login/`` wide open). A refused attempt
raises ``PermissionDenied``, which makes ``authenticate()`` stop without
asking any other backend, and leaves the reason on the request for the page
to show.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from oauth_grants import lockout
from oauth_grants.client_address import client_address
from oauth_grants.page_lookups import user_by_pk

# Where a refusal's reason is left for the login page (lockout.LOCKED/THROTTLED).
REFUSAL_ATTRIBUTE = "authserver_signin_refusal"


class LockoutBackendMixin:
    """Put in front of any password backend: ``class B(LockoutBackendMixin, X)``."""

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = client_address(request) if request is not None else None
        attempt = lockout.attempt_begin(
            username=username,
            address=address,
            known_device=request is not None
            and lockout.is_known_device(request, username),
        )
        if not isinstance(attempt, lockout.Attempt):
            if request is not None:
                setattr(request, REFUSAL_ATTRIBUTE, attempt)
            raise PermissionDenied(attempt)
        user = super().authenticate(  # type: ignore[misc]
            request, username=username, password=password, **kwargs
        )
        if user is None:
            lockout.attempt_failed(attempt)
        else:
            lockout.attempt_succeeded(attempt)
        return user


class LockoutModelBackend(LockoutBackendMixin, ModelBackend):
    """Django's ModelBackend with the sign-in lockout."""

    def get_user(self, user_id: Any) -> Any:
        """The signed-in person of a session, as ``ModelBackend.get_user``
        answers (an active user, else None), read with one statement written
        once (``page_lookups.user_by_pk``) instead of a queryset compiled on every
        page a person opens: 300-350 us of Python each time, here."""
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
