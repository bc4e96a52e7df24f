"""Reads: the one place that answers "is this token good?" and similar questions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from oauth_grants.limits import MAX_TOKEN_LENGTH
from oauth_grants.lookups import (
    LiveToken,
    caller_and_live_token,
    live_token_by_digest,
)
from oauth_grants.models import AccessToken, Client, RefreshToken
from oauth_grants.tokens import token_digest


def access_token_active(*, value: object) -> LiveToken | None:
    """The live access token with this value, its client id and user; else None.

    Live means: not revoked, not expired, its client still enabled (a
    disabled client's tokens stop working at once) and its user, if any,
    active. One query, in SQL written once (oauth_grants/lookups.py).
    """
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TOKEN_LENGTH:
        return None
    return live_token_by_digest(token_digest(value))


def introspection_lookup(
    *, client_id: str, value: object
) -> tuple[Client | None, LiveToken | None]:
    """The enabled client ``client_id`` and the live token ``value``, in one query.

    The client is loaded, not authenticated: check its secret before using
    the token.
    """
    usable = isinstance(value, str) and 0 < len(value) <= MAX_TOKEN_LENGTH
    digest = token_digest(value) if usable and isinstance(value, str) else None
    return caller_and_live_token(client_id, digest)


def token_by_value(
    *, value: object, hint: str | None = None
) -> AccessToken | RefreshToken | None:
    """The access or refresh token row with this value, whatever its state.

    ``hint`` (RFC 7009 §2.1 token_type_hint) only decides which table is
    searched first.
    """
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TOKEN_LENGTH:
        return None
    digest = token_digest(value)
    models: list[type[AccessToken] | type[RefreshToken]] = [AccessToken, RefreshToken]
    if hint == "refresh_token":
        models.reverse()
    for model in models:
        row = (
            model.objects.select_related("application", "user")
            .filter(token_checksum=digest)
            .first()
        )
        if row is not None:
            return row
    return None


def dashboard_stats(*, days: int = 14) -> dict[str, object]:
    """What the admin index shows at a glance."""
    from datetime import timedelta

    from django.db.models import Count
    from django.db.models.functions import TruncDate

    from oauth_grants.models import AuditEvent, Consent

    now = timezone.now()
    today = now.date()
    start = today - timedelta(days=days - 1)
    per_day = dict(
        AuditEvent.objects.filter(
            event__in=[AuditEvent.Type.TOKEN_ISSUED, AuditEvent.Type.TOKEN_REFRESHED],
            created__date__gte=start,
        )
        .annotate(day=TruncDate("created"))
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    series = [
        (start + timedelta(days=i), per_day.get(start + timedelta(days=i), 0))
        for i in range(days)
    ]
    return {
        "active_tokens": AccessToken.objects.filter(
            revoked__isnull=True, expires__gt=now
        ).count(),
        "clients": Client.objects.count(),
        "enabled_clients": Client.objects.filter(enabled=True).count(),
        "consents": Consent.objects.count(),
        "issued_per_day": series,
        "recent_failures": list(
            AuditEvent.objects.filter(
                outcome=AuditEvent.Outcome.FAILURE
            ).select_related("client", "user")[:10]
        ),
    }


def authorized_apps_for_user(*, user: User) -> list[dict[str, Any]]:
    """The person's consents, each with its scopes described and when last used.

    "Last used" is the later of the last remembered-consent sign-in and the
    last token issued to that app for that person (a refresh counts): when
    the person's authorization last did something. None: never since granted.
    """
    from django.db.models import Max, OuterRef, Subquery

    from oauth_grants.models import Consent
    from oauth_grants.scopes import scope_descriptions

    latest_token = (
        AccessToken.objects.filter(
            user=OuterRef("user"), application=OuterRef("client")
        )
        .values("user")
        .annotate(latest=Max("created"))
        .values("latest")
    )
    consents = list(
        Consent.objects.filter(user=user)
        .select_related("client")
        .annotate(last_token=Subquery(latest_token))
    )
    descriptions = scope_descriptions(
        names={name for consent in consents for name in consent.scopes}
    )
    apps = []
    for consent in consents:
        moments = [t for t in (consent.last_used_at, consent.last_token) if t]
        apps.append(
            {
                "consent": consent,
                "scopes": [(name, descriptions[name]) for name in consent.scopes],
                "last_used": max(moments) if moments else None,
            }
        )
    return apps


def access_token_row(*, value: object) -> AccessToken | None:
    """The live access token row with this value (client enabled), for DOT's
    bearer-token checks; the product's own paths use ``access_token_active``."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TOKEN_LENGTH:
        return None
    return (
        AccessToken.objects.select_related("application", "user")
        .filter(
            token_checksum=token_digest(value),
            revoked__isnull=True,
            application__enabled=True,
        )
        .first()
    )
