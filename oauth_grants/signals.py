"""Receivers that hand model events to services (no logic lives here)."""

from __future__ import annotations

from typing import Any

from oauth_grants.services import user_password_changed


def password_change_receiver(
    sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    """post_save of the user model: after ``set_password()`` + ``save()``.

    Django marks a password set by ``set_password()`` in ``_password`` until
    ``save()`` has run its ``password_changed`` hooks, and clears it for a
    mere re-hash on sign-in (``check_password``'s upgrade): so this fires for
    ``changepassword``, the admin's password form and a reset, never for a
    hasher upgrade. (A private attribute: tests/oauth_grants/
    test_password_change.py fails loudly if Django stops setting it.)
    """
    if created or raw or getattr(instance, "_password", None) is None:
        return
    user_password_changed(user=instance)
