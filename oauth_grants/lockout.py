"""Sign-in lockout per account, throttling per address.

Per account: LOGIN_MAX_FAILURES_PER_ACCOUNT failed sign-ins within
LOGIN_LOCKOUT_SECONDS lock the account name until that window ends, for every
address, or until an admin unlocks it. The count lives in the database
(``SignInFailures``) and an attempt is *reserved* before the password is
checked: the row is locked, the count compared with the limit and incremented
in one transaction. So forty simultaneous guesses get exactly as many
password checks as the limit allows, never more; the right password sent
after them is refused like any other (a check-then-count design let eight of
forty through against a limit of five). A success gives the reservation back
(the count starts again).

Per address: LOGIN_MAX_FAILURES_PER_ADDRESS failures from one client address
(oauth_grants/client_address.py) within LOGIN_ADDRESS_WINDOW_SECONDS throttle
further attempts from that address, which slows a password spray across many
accounts. The throttle never locks an account, and a browser that has signed
in to an account before carries a signed "known device" cookie for it that
passes the throttle (OWASP's device cookies): the many people behind one
company NAT or load balancer are not locked out by one attacker among them.

Every way to sign in goes through ``LockoutBackendMixin`` (the project's
``LockoutModelBackend``), since Django's ``authenticate()`` is what both login
pages and any page a host project adds call. ``checks.py`` warns about a
configured password backend that lacks it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, router, transaction
from django.db.models import QuerySet
from django.utils import timezone

from oauth_grants.conf import app_settings
from oauth_grants.models import AuditEvent, SignInFailures
from oauth_grants.services import audit_record

LOCKED = "locked"
THROTTLED = "throttled"

KNOWN_DEVICE_COOKIE = "authserver_known_device"
_DEVICE_SALT = "oauth_grants.lockout.known-device"


@dataclass(frozen=True)
class Attempt:
    """A reserved sign-in attempt: the ``number``-th failure if it fails."""

    username_key: str
    address: str | None
    number: int


def username_key(username: str) -> str:
    """The account name as counted: printable, case-folded, bounded."""
    printable = "".join(ch for ch in str(username) if ch.isprintable())
    return printable.lower()[:150]


def _address_key(address: str) -> str:
    digest = hashlib.sha256(address.encode("utf-8", "replace")).hexdigest()[:32]
    return "signin:address:%s" % digest


def _window() -> timedelta:
    return timedelta(seconds=int(app_settings.LOGIN_LOCKOUT_SECONDS))


def _db() -> str:
    return router.db_for_write(SignInFailures)


def _locked_row(key: str) -> SignInFailures:
    """The account's row, locked for this transaction (created if missing)."""
    rows = SignInFailures.objects.using(_db()).select_for_update()
    row = rows.filter(username_key=key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic(using=_db()):
            return SignInFailures.objects.using(_db()).create(
                username_key=key, failures=0
            )
    except IntegrityError:  # created by a concurrent attempt: wait for its lock
        return rows.get(username_key=key)


def attempt_begin(
    *, username: str, address: str | None, known_device: bool
) -> Attempt | str:
    """Reserve one password check, or say why not (``LOCKED``/``THROTTLED``)."""
    key = username_key(username)
    if (
        address
        and not known_device
        and (cache.get(_address_key(address)) or 0)
        >= int(app_settings.LOGIN_MAX_FAILURES_PER_ADDRESS)
    ):
        return THROTTLED
    if not key:
        return Attempt(username_key="", address=address, number=0)
    limit = int(app_settings.LOGIN_MAX_FAILURES_PER_ACCOUNT)
    now = timezone.now()
    with transaction.atomic(using=_db()):
        row = _locked_row(key)
        if row.window_started <= now - _window():
            row.failures, row.window_started = 0, now
        if row.failures >= limit:
            return LOCKED
        row.failures += 1
        row.save(update_fields=["failures", "window_started"])
    return Attempt(username_key=key, address=address, number=row.failures)


def attempt_failed(attempt: Attempt) -> None:
    """The reserved check failed: it stays counted; the address's count grows."""
    if attempt.address:
        key = _address_key(attempt.address)
        cache.add(key, 0, int(app_settings.LOGIN_ADDRESS_WINDOW_SECONDS))
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, int(app_settings.LOGIN_ADDRESS_WINDOW_SECONDS))
    if attempt.number == int(app_settings.LOGIN_MAX_FAILURES_PER_ACCOUNT):
        audit_record(
            event=AuditEvent.Type.LOGIN_LOCKED,
            outcome=AuditEvent.Outcome.FAILURE,
            remote_addr=attempt.address,
            detail={"username": attempt.username_key},
        )


def attempt_succeeded(attempt: Attempt) -> None:
    """The password was right: the account's count starts again."""
    if attempt.username_key:
        SignInFailures.objects.using(_db()).filter(
            username_key=attempt.username_key
        ).update(failures=0, window_started=timezone.now())


def login_unlock(*, username: str) -> None:
    """An admin lifts the account's lock (and forgets its failures)."""
    SignInFailures.objects.using(_db()).filter(
        username_key=username_key(username)
    ).delete()


def locked_username_keys() -> QuerySet[SignInFailures]:
    """The rows of account names locked right now (for the admin's user list)."""
    return SignInFailures.objects.filter(
        failures__gte=int(app_settings.LOGIN_MAX_FAILURES_PER_ACCOUNT),
        window_started__gt=timezone.now() - _window(),
    )


def signin_failures_prune() -> int:
    """Delete counts whose window has ended; return how many."""
    deleted, _ = SignInFailures.objects.filter(
        window_started__lte=timezone.now() - _window()
    ).delete()
    return deleted


def known_device_value(username: str) -> str:
    """The signed cookie value naming this account as signed in here before."""
    return signing.dumps(username_key(username), salt=_DEVICE_SALT, compress=True)


def is_known_device(request: Any, username: str) -> bool:
    value = getattr(request, "COOKIES", {}).get(KNOWN_DEVICE_COOKIE)
    if not value:
        return False
    try:
        named = signing.loads(
            value,
            salt=_DEVICE_SALT,
            max_age=int(app_settings.LOGIN_KNOWN_DEVICE_DAYS) * 86400,
        )
    except signing.BadSignature:
        return False
    return bool(named) and named == username_key(username)
