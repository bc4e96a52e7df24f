"""A new client secret, handed from the POST that made it to one GET that shows it.

Post/Redirect/Get: the admin's add form and "Regenerate secret" answer their
POST with a redirect to ``.../client/secret/<handle>/``, so a reload or Back
never resubmits the form (a second client, or a second new secret). The
page behind the handle shows the secret once:

* the handle is 256 random bits, only in that URL; the secret is never in a
  URL or the session;
* the cache holds the secret encrypted (Fernet) with a key derived from the
  handle, under a key that is another digest of it: the cache alone cannot
  show it;
* the first read deletes the entry, and only the reader whose delete removed
  it shows the secret (two tabs racing: one wins); a later read, another
  admin's read, or one after ``CLIENT_SECRET_DISPLAY_SECONDS`` finds nothing.

The cache must be shared by every process (Redis, ``REDIS_URL``, in
production); with a per-process cache the page may say the secret is gone,
and the admin regenerates it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass

from cryptography.fernet import Fernet
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache

from oauth_grants.conf import app_settings
from oauth_grants.models import Client

HANDLE_BYTES = 32


@dataclass(frozen=True)
class SecretHandoff:
    """``secret`` is None when it was already shown (a reload of the page)."""

    client: Client
    secret: str | None
    created: bool


def _key(kind: str, handle: str) -> str:
    """The cache key of the entry (``secret``) or of its "shown" mark."""
    digest = hashlib.sha256(b"id:" + handle.encode()).hexdigest()
    return "client-secret-%s:%s" % (kind, digest)


def _fernet(handle: str) -> Fernet:
    key = hashlib.sha256(b"key:" + handle.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def secret_handoff_create(
    *, client: Client, secret: str, created: bool, actor: AbstractBaseUser
) -> str:
    """Keep ``secret`` for one display to ``actor``; return the handle for the URL."""
    handle = secrets.token_urlsafe(HANDLE_BYTES)
    cache.set(
        _key("secret", handle),
        {
            "client": client.pk,
            "actor": actor.pk,
            "created": created,
            "sealed": _fernet(handle).encrypt(secret.encode()).decode(),
        },
        timeout=app_settings.CLIENT_SECRET_DISPLAY_SECONDS,
    )
    return handle


def secret_handoff_take(
    *, handle: str, actor: AbstractBaseUser
) -> SecretHandoff | None:
    """The secret behind ``handle``, once, to the admin who made it.

    Later reads by that admin get the client with ``secret=None`` (the page
    says it was shown and offers to regenerate). None when the handle is
    unknown or expired, or was made by another admin (whose entry is left
    for them).
    """
    if not 0 < len(handle) <= 100:
        return None
    key = _key("secret", handle)
    entry = cache.get(key)
    if not isinstance(entry, dict) or entry.get("actor") != actor.pk:
        return _already_shown(handle, actor)
    if not cache.delete(key):
        return _already_shown(handle, actor)  # another request took it first
    cache.set(
        _key("shown", handle),
        {"client": entry["client"], "actor": actor.pk, "created": entry["created"]},
        timeout=app_settings.CLIENT_SECRET_DISPLAY_SECONDS,
    )
    client = Client.objects.filter(pk=entry["client"]).first()
    if client is None:
        return None
    secret = _fernet(handle).decrypt(entry["sealed"].encode()).decode()
    return SecretHandoff(client=client, secret=secret, created=bool(entry["created"]))


def _already_shown(handle: str, actor: AbstractBaseUser) -> SecretHandoff | None:
    shown = cache.get(_key("shown", handle))
    if not isinstance(shown, dict) or shown.get("actor") != actor.pk:
        return None
    client = Client.objects.filter(pk=shown["client"]).first()
    if client is None:
        return None
    return SecretHandoff(client=client, secret=None, created=bool(shown["created"]))
