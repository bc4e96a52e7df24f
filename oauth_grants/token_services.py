"""Writes of the token endpoint: redeeming a code, issuing tokens, and what
replay and reuse detection record. (services.py holds the rest, and the one
revoke path that rotation and detection go through.)

Each function runs inside the grant's transaction (oauth_grants/grants/):
the rows it writes commit with the request's other writes or not at all.
A request's token rows, its audit event and its code redemption are one
statement on PostgreSQL (``sql.insert_linked``), no ORM compilation on the
hot path.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from oauth2_provider.settings import oauth2_settings

from oauth_grants.id_tokens import id_token_issue
from oauth_grants.metrics import TOKENS
from oauth_grants.models import (
    AccessToken,
    AuditEvent,
    AuthorizationCode,
    Client,
    RefreshToken,
)
from oauth_grants.services import audit_record, audit_values, token_family_revoke
from oauth_grants.sql import FIRST_PK, RowUpdate, WithFirstPk, insert_linked
from oauth_grants.tokens import generate_token, token_digest


@dataclass(frozen=True)
class Issued:
    """What a token response carries (RFC 6749 §5.1); values exist only here."""

    access_token: str
    expires_in: int
    scope: str
    refresh_token: str | None
    access_row: AccessToken
    id_token: str | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "access_token": self.access_token,
            "expires_in": self.expires_in,
            "token_type": "Bearer",
            "scope": self.scope,
        }
        if self.refresh_token is not None:
            body["refresh_token"] = self.refresh_token
        if self.id_token is not None:
            body["id_token"] = self.id_token
        return body


def family_start(previous: RefreshToken | None, now: datetime) -> datetime:
    """When the family of a new refresh token began: now for a code exchange,
    else its predecessor's start (its creation, for rows from before the
    absolute lifetime existed)."""
    if previous is None:
        return now
    return previous.family_started or previous.created


def family_deadline(token: RefreshToken, client: Client) -> datetime:
    """The end of the absolute lifetime of ``token``'s family."""
    started = token.family_started or token.created
    return started + timedelta(seconds=client.refresh_token_max_lifetime)


def refresh_token_expiry(client: Client, started: datetime, now: datetime) -> datetime:
    """The idle expiry slides forward with each rotation, never past the
    family's absolute lifetime: min(now + idle, start + max)."""
    return min(
        now + timedelta(seconds=client.refresh_token_lifetime),
        started + timedelta(seconds=client.refresh_token_max_lifetime),
    )


def code_issue(
    *,
    client: Client,
    user: Any,
    value: str,
    redirect_uri: str,
    redirect_uri_required: bool,
    scopes: list[str],
    code_challenge: str,
    code_challenge_method: str,
    nonce: str,
    auth_time: datetime | None = None,
    resource: list[str] | None = None,
) -> AuthorizationCode:
    """Store a new one-time code (RFC 6749 §4.1.2) as its digest, bound to
    the client, the person, the redirect URI, the PKCE challenge and the
    approved scopes; it lives ``AUTHORIZATION_CODE_EXPIRE_SECONDS``."""
    lifetime = oauth2_settings.AUTHORIZATION_CODE_EXPIRE_SECONDS
    return AuthorizationCode.objects.create(
        application=client,
        user=user,
        code=token_digest(value),
        expires=timezone.now() + timedelta(seconds=lifetime),
        redirect_uri=redirect_uri,
        redirect_uri_required=redirect_uri_required,
        scope=" ".join(scopes),
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method,
        nonce=nonce,
        claims="",
        auth_time=auth_time,
        resource=resource or [],
    )


def code_redemption(*, code: AuthorizationCode, family: uuid.UUID) -> RowUpdate:
    """The write that marks a locked code used, and the family its tokens will
    carry (RFC 6749 §4.1.2: once); ``tokens_issue`` runs it with the tokens."""
    now = timezone.now()
    return RowUpdate(
        AuthorizationCode,
        code.pk,
        {"redeemed_at": now, "token_family": family, "updated": now},
    )


def tokens_issue(
    *,
    client: Client,
    user: Any,
    scope: str,
    grant_type: str,
    family: uuid.UUID | None,
    previous: RefreshToken | None = None,
    retiring: tuple[RowUpdate, ...] = (),
    nonce: str | None = None,
    auth_time: datetime | None = None,
    audience: list[str] | None = None,
    remote_addr: str | None,
) -> Issued:
    """Mint an access token and, for a person when the client's policy says
    so, a refresh token; store their digests; audit the issue. For a person
    whose scope includes ``openid``, an ID token too (with ``nonce``).

    ``previous`` is the refresh token a refresh rotated out: the new one
    continues its family's absolute lifetime. ``retiring`` are the writes
    that use up what the request presented: the code redemption
    (``code_redemption``) or the rotation (``services.refresh_token_rotate``).
    ``audience`` (RFC 8707) is stored on both tokens; ``auth_time`` goes
    into the ID token.

    The rows (access token, refresh token, audit event, what is retired) are one
    statement on PostgreSQL (``sql.insert_linked``): the audit event is
    written with the token it records, in the same statement, so neither
    exists without the other and the request pays one round trip for both.
    """
    now = timezone.now()
    access_value = generate_token()
    rows: list[tuple[type[Any], dict[str, Any]]] = []
    refresh_value = None
    if user is not None and client.issue_refresh_tokens:
        refresh_value = generate_token()
        started = family_start(previous, now)
        rows.append(
            (
                RefreshToken,
                {
                    "user": user,
                    "application": client,
                    "access_token": FIRST_PK,
                    "token": "",
                    "token_checksum": token_digest(refresh_value),
                    "token_family": family,
                    "scope": scope,
                    "family_started": started,
                    "expires": refresh_token_expiry(client, started, now),
                    "resource": audience or [],
                },
            )
        )
    audit = audit_values(
        event=(
            AuditEvent.Type.TOKEN_REFRESHED
            if previous is not None
            else AuditEvent.Type.TOKEN_ISSUED
        ),
        user=user,
        client=client,
        remote_addr=remote_addr,
        detail={"grant_type": grant_type, "scope": scope},
    )
    audit["detail"] = WithFirstPk(audit["detail"], "token_id")
    rows.append((AuditEvent, audit))
    access = insert_linked(
        (
            AccessToken,
            {
                "user": user,
                "application": client,
                "scope": scope,
                "expires": now + timedelta(seconds=client.access_token_lifetime),
                "token": "",
                "token_checksum": token_digest(access_value),
                "token_family": family,
                "source_refresh_token": None,
                "resource": audience or [],
            },
        ),
        *rows,
        updates=retiring,
    )
    TOKENS.labels(grant_type).inc()
    id_token = None
    scopes = scope.split()
    if user is not None and "openid" in scopes:
        id_token = id_token_issue(
            user=user,
            client=client,
            scopes=scopes,
            access_token=access_value,
            nonce=nonce,
            auth_time=auth_time,
        )
    return Issued(
        access_token=access_value,
        expires_in=client.access_token_lifetime,
        scope=scope,
        refresh_token=refresh_value,
        access_row=access,
        id_token=id_token,
    )


def family_replay_revoke(
    *,
    replayed: AuthorizationCode | RefreshToken,
    client: Client,
    remote_addr: str | None,
) -> int:
    """A used code or a rotated-out refresh token presented again: revoke
    every token of its family (RFC 6749 §4.1.2, RFC 9700 §4.2.4, §4.14.2)
    and record the attempt."""
    revoked = token_family_revoke(family=replayed.token_family)
    audit_record(
        event=(
            AuditEvent.Type.CODE_REPLAY
            if isinstance(replayed, AuthorizationCode)
            else AuditEvent.Type.REFRESH_REUSE
        ),
        outcome=AuditEvent.Outcome.FAILURE,
        user=replayed.user,
        client=client,
        remote_addr=remote_addr,
        detail={"tokens_revoked": revoked},
    )
    return revoked


def client_auth_failure_record(
    *, client_id: str, client: Client | None, remote_addr: str | None
) -> None:
    audit_record(
        event=AuditEvent.Type.CLIENT_AUTH_FAILED,
        outcome=AuditEvent.Outcome.FAILURE,
        client=client,
        client_identifier=client_id,
        remote_addr=remote_addr,
        detail={"endpoint": "token"},
    )
