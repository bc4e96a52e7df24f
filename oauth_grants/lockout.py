"""Sign-in lockout: failed attempts limited per account and per address.

Counters live in the shared cache with the lockout's duration as their
lifetime. An admin can lift a lock early (User admin action).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from oauth_grants.conf import app_settings


def _config() -> tuple[int, int, int]:
    return (
        int(app_settings.LOGIN_MAX_FAILURES_PER_ACCOUNT),
        int(app_settings.LOGIN_MAX_FAILURES_PER_ADDRESS),
        int(app_settings.LOGIN_LOCKOUT_SECONDS),
    )


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]


def _account_key(username: str) -> str:
    return "lockout:account:%s" % _digest(username.lower())


def _address_key(address: str) -> str:
    return "lockout:address:%s" % _digest(address)


def login_locked(*, username: str, address: str | None) -> bool:
    per_account, per_address, _ttl = _config()
    if username and (cache.get(_account_key(username)) or 0) >= per_account:
        return True
    if not address:
        return False
    return (cache.get(_address_key(address)) or 0) >= per_address


def login_failure_record(*, username: str, address: str | None) -> bool:
    """Count a failed sign-in; return True if it locks the account or address."""
    per_account, per_address, ttl = _config()
    locked = False
    for key, limit in (
        (_account_key(username) if username else None, per_account),
        (_address_key(address) if address else None, per_address),
    ):
        if key is None:
            continue
        cache.add(key, 0, ttl)
        if cache.incr(key) >= limit:
            locked = True
    return locked


def login_success_record(*, username: str) -> None:
    cache.delete(_account_key(username))


def login_unlock(*, username: str) -> None:
    cache.delete(_account_key(username))
