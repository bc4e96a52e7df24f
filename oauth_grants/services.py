"""Writes: where tokens are revoked, consents change and audit events are
recorded. The other writes have a module each beside this one: issuing
tokens in token_services.py, clients and scopes in client_services.py.

Every revocation, whoever asks for it (RFC 7009 endpoint, admin, a person's
own apps page, replay and reuse detection, the command line), goes through
``_mark_revoked``: set-based UPDATEs that stamp ``revoked``, so a revoked
token stays visible with its status and no second revoke path exists. The
one other stamp is a refresh's rotation of the two rows it holds locked
(``rotation_writes``), which the grant writes in the same statement as the
new pair.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Required, TypedDict, Unpack

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import router, transaction
from django.db.models import Q
from django.utils import timezone

from oauth_grants.models import (
    AccessToken,
    AuditEvent,
    Client,
    Consent,
    IDToken,
    RefreshToken,
)
from oauth_grants.sql import RowUpdate, insert_row

log = logging.getLogger("authserver.audit")


class AuditFields(TypedDict, total=False):
    """What an audit event says: ``event`` and, optionally, the rest."""

    event: Required[str]
    outcome: str
    actor: AbstractBaseUser | None
    user: AbstractBaseUser | None
    client: Client | None
    client_identifier: str
    remote_addr: str | None
    detail: dict[str, Any] | None


def audit_record(**fields: Unpack[AuditFields]) -> AuditEvent:
    """Append a security event. ``detail`` must never hold a secret or token."""
    return insert_row(AuditEvent, **audit_values(**fields))


def audit_values(**fields: Unpack[AuditFields]) -> dict[str, Any]:
    """The columns of an audit event, logged as it is about to be written
    (``audit_record``, or a grant's one statement: token_services.py).

    Strings a client sent (``client_identifier``, ``detail``) are cleaned and
    bounded here, once, for every caller.
    """
    event = fields["event"]
    outcome = fields.get("outcome", AuditEvent.Outcome.SUCCESS)
    actor, user = fields.get("actor"), fields.get("user")
    client, client_identifier = fields.get("client"), fields.get("client_identifier")
    remote_addr, detail = fields.get("remote_addr"), fields.get("detail")
    identifier_raw = client_identifier or (
        client.client_id if client is not None else ""
    )
    if actor is not None and not getattr(actor, "pk", None):
        actor = None
    if user is not None and not getattr(user, "pk", None):
        user = None
    # Attacker-supplied strings land here: PostgreSQL refuses NUL in text and
    # \u0000 in JSON, which must not turn a refusal into a 503.
    identifier = _printable(identifier_raw)
    log.info("audit event=%s outcome=%s client=%s", event, outcome, identifier[:255])
    return {
        "event": event,
        "outcome": outcome,
        "actor": actor,
        "user": user,
        "client": client if client is not None and client.pk else None,
        "client_identifier": identifier,
        "remote_addr": remote_addr or None,
        "detail": _clean_detail(detail or {}),
    }


def _printable(value: str) -> str:
    if value.isprintable():  # every real client id: no per-character walk
        return value[:255]
    return "".join(ch for ch in value if ch.isprintable())[:255]


def _clean_detail(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")[:500]
    if isinstance(value, dict):
        return {_clean_detail(k): _clean_detail(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_detail(v) for v in value]
    return value


def _mark_revoked(
    *,
    access: Q | None = None,
    refresh: Q | None = None,
) -> int:
    """Stamp live tokens matching the filters as revoked; return how many.

    Refresh tokens are stamped a second time at the end on purpose. A
    concurrent refresh holds the lock on the token it rotates and inserts the
    new pair before it commits; the first UPDATE waits for that lock but, in
    READ COMMITTED, still works from a snapshot without the new rows. The
    later statements take fresh snapshots, so the new access token and the
    new refresh token are caught too: once this returns, nothing of the
    matched lineage is live (tests/races/). (The refresh grant's rotation
    inserts the new pair in the same statement that retires the old one,
    ``rotation_writes``: still before it commits, still under the lock.)
    """
    now = timezone.now()
    count = 0
    # Inside a token request's transaction no savepoint of its own: one
    # round trip less each way, and a failure fails the request anyway.
    with transaction.atomic(using=router.db_for_write(RefreshToken), savepoint=False):
        if refresh is not None:
            count += RefreshToken.objects.filter(refresh, revoked__isnull=True).update(
                revoked=now, updated=now
            )
        if access is not None:
            count += AccessToken.objects.filter(access, revoked__isnull=True).update(
                revoked=now, updated=now
            )
        if refresh is not None:
            count += RefreshToken.objects.filter(refresh, revoked__isnull=True).update(
                revoked=now, updated=now
            )
    return count


def rotation_writes(token: RefreshToken, now: datetime) -> list[RowUpdate]:
    """What retiring a refresh token being exchanged stamps (RFC 9700 §4.14.2
    rotation): the token, revoked and ``rotated_at`` and let go of its access
    token, and that access token, revoked; each only if still live.

    Reuse detection tells a rotated-out token from a revoked one by
    ``rotated_at``. The refresh grant hands these to ``tokens_issue``, which
    runs them in one statement with the new tokens (``refresh_token_rotate``).
    """
    writes = [
        RowUpdate(
            RefreshToken,
            token.pk,
            {"revoked": now, "rotated_at": now, "updated": now, "access_token": None},
            unless_set="revoked",
        )
    ]
    if token.access_token_id is not None:
        writes.append(
            RowUpdate(
                AccessToken,
                token.access_token_id,
                {"revoked": now, "updated": now},
                unless_set="revoked",
            )
        )
    return writes


def refresh_token_rotate(*, token: RefreshToken) -> tuple[RowUpdate, ...]:
    """The writes that retire a refresh token being exchanged, with the
    access token issued beside it, for ``tokens_issue`` to run with the new
    pair. The caller holds the token's row lock, so nothing of the lineage
    can appear meanwhile: one stamp each, by primary key."""
    return tuple(rotation_writes(token, timezone.now()))


def token_family_revoke(
    *, family: uuid.UUID | None, refresh_token: RefreshToken | None = None
) -> int:
    """Revoke every token of one authorization's lineage (code → refreshes)."""
    if family is None:
        if refresh_token is None:
            return 0
        return _mark_revoked(
            access=Q(pk=refresh_token.access_token_id), refresh=Q(pk=refresh_token.pk)
        )
    return _mark_revoked(access=Q(token_family=family), refresh=Q(token_family=family))


def access_token_revoke(*, token: AccessToken) -> int:
    """Revoke an access token and, with it, the refresh tokens of its family."""
    if token.token_family is not None:
        return token_family_revoke(family=token.token_family)
    return _mark_revoked(access=Q(pk=token.pk), refresh=Q(access_token_id=token.pk))


def token_revoke(
    *,
    token: AccessToken | RefreshToken,
    actor: AbstractBaseUser | None = None,
    remote_addr: str | None = None,
    via: str,
) -> int:
    """Revoke one token and what was issued with it (RFC 7009 §2.1).

    Revoking a refresh token revokes the access tokens of its grant, and
    revoking an access token revokes the refresh token issued with it.
    """
    if isinstance(token, RefreshToken):
        count = token_family_revoke(family=token.token_family, refresh_token=token)
    else:
        count = access_token_revoke(token=token)
    audit_record(
        event=AuditEvent.Type.TOKEN_REVOKED,
        actor=actor,
        user=token.user,
        client=token.application,
        remote_addr=remote_addr,
        detail={
            "via": via,
            "token_id": token.pk,
            "kind": type(token).__name__,
            "revoked": count,
        },
    )
    return count


def tokens_revoke(
    *,
    user: AbstractBaseUser | None = None,
    client: Client | None = None,
    access_token_ids: Iterable[int] | None = None,
    refresh_token_ids: Iterable[int] | None = None,
    actor: AbstractBaseUser | None = None,
    remote_addr: str | None = None,
    via: str,
) -> int:
    """Revoke all live tokens of a user, of a client, of both, or listed by id.

    Listed tokens take their whole family with them. Returns the number of
    token rows revoked.
    """
    access = Q()
    refresh = Q()
    selection: dict[str, int] = {}
    if user is not None:
        access &= Q(user=user)
        refresh &= Q(user=user)
    if client is not None:
        access &= Q(application=client)
        refresh &= Q(application=client)
    if access_token_ids is not None or refresh_token_ids is not None:
        at_ids = list(access_token_ids or [])
        rt_ids = list(refresh_token_ids or [])
        families = set(
            AccessToken.objects.filter(
                pk__in=at_ids, token_family__isnull=False
            ).values_list("token_family", flat=True)
        ) | set(
            RefreshToken.objects.filter(
                pk__in=rt_ids, token_family__isnull=False
            ).values_list("token_family", flat=True)
        )
        rt_access_ids = RefreshToken.objects.filter(pk__in=rt_ids).values_list(
            "access_token_id", flat=True
        )
        access &= (
            Q(pk__in=at_ids)
            | Q(pk__in=list(rt_access_ids))
            | Q(token_family__in=families)
        )
        refresh &= (
            Q(pk__in=rt_ids)
            | Q(access_token_id__in=at_ids)
            | Q(token_family__in=families)
        )
        selection = {"selected": len(at_ids) + len(rt_ids)}
    elif user is None and client is None:
        raise ValueError("tokens_revoke needs a user, a client or token ids")
    count = _mark_revoked(access=access, refresh=refresh)
    audit_record(
        event=AuditEvent.Type.TOKEN_REVOKED,
        actor=actor,
        user=user,
        client=client,
        remote_addr=remote_addr,
        detail={"via": via, "revoked": count, **selection},
    )
    return count


@dataclass(frozen=True)
class Revocation:
    """What an admin's "revoke the selected tokens" did."""

    selected: int  # selected tokens that were live
    revoked: int  # token rows revoked: the selected ones and their families


def tokens_revoke_selected(
    *,
    model: type[AccessToken] | type[RefreshToken],
    ids: Iterable[int],
    actor: AbstractBaseUser | None,
    via: str,
) -> Revocation:
    """Revoke the listed tokens with their families, audited per client and user.

    One audit event for each (client, user) whose tokens were listed, so
    the trail says whose tokens went.
    """
    rows = list(
        model.objects.filter(pk__in=list(ids)).values_list(
            "pk", "application_id", "user_id", "revoked"
        )
    )
    groups: dict[tuple[int | None, int | None], list[int]] = {}
    for pk, client_id, user_id, _revoked in rows:
        groups.setdefault((client_id, user_id), []).append(pk)
    clients = Client.objects.in_bulk([c for c, _u in groups if c is not None])
    users = get_user_model().objects.in_bulk([u for _c, u in groups if u is not None])
    key = "access_token_ids" if model is AccessToken else "refresh_token_ids"
    revoked = 0
    with transaction.atomic():
        for (client_id, user_id), pks in groups.items():
            listed: dict[str, Any] = {key: pks}
            revoked += tokens_revoke(
                **listed,
                client=clients.get(client_id),
                user=users.get(user_id),
                actor=actor,
                via=via,
            )
    return Revocation(
        selected=sum(1 for row in rows if row[3] is None), revoked=revoked
    )


def consent_record(
    *,
    user: AbstractBaseUser,
    client: Client,
    scopes: Iterable[str],
    declined: Iterable[str] = (),
) -> Consent:
    """Remember what ``user`` approved for ``client``, added to earlier approvals.

    ``declined`` (the scopes the person unticked) is remembered too, so the
    consent page offers them unticked next time; a scope approved later is
    no longer declined.
    """
    approved, declined = set(scopes), set(declined)
    with transaction.atomic():
        consent, created = Consent.objects.select_for_update().get_or_create(
            user_id=user.pk,
            client=client,
            defaults={
                "scope": " ".join(sorted(approved)),
                "declined_scope": " ".join(sorted(declined - approved)),
            },
        )
        if not created:
            merged = set(consent.scopes) | approved
            consent.scope = " ".join(sorted(merged))
            consent.declined_scope = " ".join(
                sorted((set(consent.declined_scopes) | declined) - merged)
            )
            consent.granted_at = timezone.now()
            consent.save(update_fields=["scope", "declined_scope", "granted_at"])
    return consent


def consent_revoke(
    *,
    consent: Consent,
    actor: AbstractBaseUser | None = None,
    remote_addr: str | None = None,
    via: str,
) -> int:
    """Forget a consent and revoke every token of that client for that person."""
    with transaction.atomic():
        user, client = consent.user, consent.client
        consent.delete()
        count = _mark_revoked(
            access=Q(user=user, application=client),
            refresh=Q(user=user, application=client),
        )
        audit_record(
            event=AuditEvent.Type.CONSENT_REVOKED,
            actor=actor,
            user=user,
            client=client,
            remote_addr=remote_addr,
            detail={"via": via, "tokens_revoked": count},
        )
    return count


def id_token_record(
    *,
    jti: str,
    user: AbstractBaseUser,
    client: Client,
    scope: str,
    expires: datetime,
) -> IDToken:
    """Remember an issued ID token by its ``jti`` (never its value)."""
    return insert_row(
        IDToken, jti=jti, user=user, application=client, scope=scope, expires=expires
    )


def user_password_changed(*, user: AbstractBaseUser) -> int:
    """A person's password changed (or was reset): end every authorization.

    Every live token of the person is revoked through the one revoke path and
    every remembered consent forgotten, in one transaction, with an audit
    record: whoever knew the old password may have used it to authorize an
    app. Django itself ends the person's other sessions (the session hash).
    Returns the number of token rows revoked.
    """
    with transaction.atomic():
        consents = Consent.objects.filter(user_id=user.pk).delete()[0]
        count = _mark_revoked(access=Q(user=user), refresh=Q(user=user))
        audit_record(
            event=AuditEvent.Type.PASSWORD_CHANGED,
            user=user,
            detail={"tokens_revoked": count, "consents_forgotten": consents},
        )
    return count
