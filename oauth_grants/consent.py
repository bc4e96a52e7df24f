"""Consent policy: when a person must be asked, and what is new to them.

A person who approved a client for some scopes is not asked again for those
scopes until the consent is revoked or older than CONSENT_REMEMBER_DAYS.
Only the server's policy and the person decide: nothing in the request
(``approval_prompt``, ``skip_authorization``-like parameters) can skip it;
``prompt=consent`` can only force the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from oauth_grants.conf import app_settings
from oauth_grants.models import Client, Consent
from oauth_grants.page_lookups import consent_of


def remember_days() -> int:
    return int(app_settings.CONSENT_REMEMBER_DAYS)


def consent_current(*, user: AbstractBaseUser, client: Client) -> Consent | None:
    """The person's unexpired consent for this client, if any."""
    cutoff = timezone.now() - timedelta(days=remember_days())
    return consent_of(user.pk, client.pk, cutoff)


def scopes_not_yet_approved(
    *, consent: Consent | None, requested: Iterable[str]
) -> list[str]:
    approved = set(consent.scopes) if consent is not None else set()
    return [scope for scope in requested if scope not in approved]


def consent_touch(*, consent: Consent) -> None:
    """Record that a remembered consent was used just now."""
    Consent.objects.filter(pk=consent.pk).update(last_used_at=timezone.now())
