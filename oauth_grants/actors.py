"""Who is acting: the signed-in person behind a request, for the audit trail.

Admin screens, the consent form and the account pages only run for a signed-in
person (``admin_view``, ``login_required``, the authorize view's own check);
``acting_user`` says so to the type checker and refuses, rather than records
an anonymous actor, should that ever not hold.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def acting_user(request: HttpRequest) -> User:
    """``request.user``, signed in (an instance of ``AUTH_USER_MODEL``)."""
    user = request.user
    if isinstance(user, AnonymousUser):
        raise PermissionDenied
    return user
