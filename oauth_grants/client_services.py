"""Writes to clients and scopes: registering, editing, enabling and
disabling, new secrets, deleting; each audited.

The admin, the command line and the demo data all register and change
clients through these functions (token writes are in services.py and
token_services.py). A confidential client's secret exists in clear only in
the return value of the call that made it; the row holds its hash.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oauth_grants.models import (
    DEFAULT_ACCESS_TOKEN_LIFETIME,
    DEFAULT_REFRESH_TOKEN_LIFETIME,
    DEFAULT_REFRESH_TOKEN_MAX_LIFETIME,
    AccessToken,
    AuditEvent,
    Client,
    ClientScope,
    Scope,
)
from oauth_grants.services import audit_record

# Fields whose values, or whose change, an audit entry never names.
SECRET_FIELDS = frozenset({"client_secret"})


def scope_create(*, name: str, description: str) -> Scope:
    scope = Scope(name=name, description=description)
    scope.full_clean()
    scope.save()
    return scope


def client_create(
    *,
    name: str,
    client_type: str,
    grant_types: list[str],
    redirect_uris: list[str],
    scopes: list[str],
    issue_refresh_tokens: bool = True,
    access_token_lifetime: int = DEFAULT_ACCESS_TOKEN_LIFETIME,
    refresh_token_lifetime: int = DEFAULT_REFRESH_TOKEN_LIFETIME,
    refresh_token_max_lifetime: int = DEFAULT_REFRESH_TOKEN_MAX_LIFETIME,
    is_resource_server: bool = False,
    homepage_url: str = "",
    allowed_origins: list[str] | None = None,
    post_logout_redirect_uris: list[str] | None = None,
    allowed_resources: list[str] | None = None,
    actor: AbstractBaseUser | None = None,
    privacy_policy_uri: str = "",
    terms_of_service_uri: str = "",
    client_id: str | None = None,
) -> tuple[Client, str | None]:
    """Register a client; return it with its secret in clear (confidential only).

    The secret exists in clear only in this return value: the row holds its
    hash. Raises ValidationError (nothing saved) when the policy is invalid.
    """
    with transaction.atomic():
        client = Client(
            name=name,
            client_type=client_type,
            grant_types=sorted(set(grant_types)),
            redirect_uris=" ".join(redirect_uris),
            issue_refresh_tokens=issue_refresh_tokens,
            access_token_lifetime=access_token_lifetime,
            refresh_token_lifetime=refresh_token_lifetime,
            refresh_token_max_lifetime=refresh_token_max_lifetime,
            is_resource_server=is_resource_server,
            homepage_url=homepage_url,
            allowed_origins=" ".join(allowed_origins or []),
            post_logout_redirect_uris=" ".join(post_logout_redirect_uris or []),
            allowed_resources=" ".join(allowed_resources or []),
            privacy_policy_uri=privacy_policy_uri,
            terms_of_service_uri=terms_of_service_uri,
        )
        if client_id is not None:
            client.client_id = client_id
        secret: str | None = None
        if client_type == Client.CLIENT_CONFIDENTIAL:
            secret = _new_secret()
            client.client_secret = secret
        else:
            client.client_secret = ""
        client.full_clean(exclude=["client_secret", "client_id"])
        client.save()
        scope_rows = list(Scope.objects.filter(name__in=scopes))
        missing = set(scopes) - {s.name for s in scope_rows}
        if missing:
            raise ValidationError(
                {
                    "allowed_scopes": [
                        "Unknown scope(s): %s" % ", ".join(sorted(missing))
                    ]
                }
            )
        ClientScope.objects.bulk_create(
            [ClientScope(client=client, scope=scope) for scope in scope_rows]
        )
        audit_record(event=AuditEvent.Type.CLIENT_CREATED, actor=actor, client=client)
    return client, secret


def _new_secret() -> str:
    from oauth2_provider.generators import generate_client_secret

    return generate_client_secret()


def client_secret_regenerate(
    *, client: Client, actor: AbstractBaseUser | None = None
) -> str:
    """Give a confidential client a new secret; the old one stops working at once."""
    if not client.is_confidential:
        raise ValueError("only confidential clients have a secret")
    secret = _new_secret()
    with transaction.atomic():
        client.client_secret = secret
        client.save(update_fields=["client_secret", "updated"])
        audit_record(
            event=AuditEvent.Type.SECRET_REGENERATED, actor=actor, client=client
        )
    return secret


def client_save(*, client: Client, is_new: bool) -> str | None:
    """Save a client edited in the admin; return a new secret if one was issued.

    A new confidential client gets a server-generated secret, returned here
    once and stored only as its hash. The edit is audited by
    ``client_edit_record`` once the allowed scopes are saved too.
    """
    secret: str | None = None
    with transaction.atomic():
        if is_new:
            if client.is_confidential:
                secret = _new_secret()
                client.client_secret = secret
            else:
                client.client_secret = ""
        client.save()
    return secret


def client_edit_record(
    *,
    client: Client,
    actor: AbstractBaseUser | None,
    is_new: bool,
    was_enabled: bool,
    changed_fields: Iterable[str],
    scopes_before: Iterable[str],
) -> AuditEvent:
    """Audit an admin's add or edit: created, changed or disabled, and what changed.

    Names the changed fields and the scopes added and removed; never a
    value of a secret field.
    """
    if is_new:
        event = AuditEvent.Type.CLIENT_CREATED
    elif was_enabled and not client.enabled:
        event = AuditEvent.Type.CLIENT_DISABLED
    else:
        event = AuditEvent.Type.CLIENT_CHANGED
    before = set(scopes_before)
    after = set(client.allowed_scopes.values_list("name", flat=True))
    detail: dict[str, Any] = {
        "name": client.name,
        "changed": sorted(f for f in changed_fields if f not in SECRET_FIELDS),
    }
    if after - before:
        detail["scopes_added"] = sorted(after - before)
    if before - after:
        detail["scopes_removed"] = sorted(before - after)
    return audit_record(event=event, actor=actor, client=client, detail=detail)


def clients_set_enabled(
    *, clients: Iterable[Client], enabled: bool, actor: AbstractBaseUser | None
) -> int:
    """Enable or disable clients; a disabled client's tokens stop working at once."""
    count = 0
    with transaction.atomic():
        for client in clients:
            if client.enabled == enabled:
                continue
            client.enabled = enabled
            client.save(update_fields=["enabled", "updated"])
            audit_record(
                event=(
                    AuditEvent.Type.CLIENT_CHANGED
                    if enabled
                    else AuditEvent.Type.CLIENT_DISABLED
                ),
                actor=actor,
                client=client,
                detail={"enabled": enabled},
            )
            count += 1
    return count


def client_delete(*, client: Client, actor: AbstractBaseUser | None) -> None:
    """Delete a client; its codes, tokens and consents go with it (cascade)."""
    with transaction.atomic():
        audit_record(
            event=AuditEvent.Type.CLIENT_DELETED,
            actor=actor,
            client_identifier=client.client_id,
            detail={"name": client.name},
        )
        client.delete()


def scope_deletion_blockers(*, scope: Scope) -> list[str]:
    """Why ``scope`` cannot be deleted now (empty when it can)."""
    reasons = []
    clients = list(scope.clients.values_list("name", flat=True)[:5])
    if clients:
        reasons.append("it is still allowed to client(s): %s" % ", ".join(clients))
    live = AccessToken.objects.filter(
        revoked__isnull=True, expires__gt=timezone.now()
    ).filter(
        Q(scope=scope.name)
        | Q(scope__startswith=scope.name + " ")
        | Q(scope__endswith=" " + scope.name)
        | Q(scope__contains=" " + scope.name + " ")
    )
    if live.exists():
        reasons.append("live access tokens still hold it")
    return reasons
