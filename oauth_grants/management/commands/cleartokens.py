"""Remove expired and revoked tokens and expired codes, in constant memory.

Replaces DOT's command of the same name (this app is listed after
oauth2_provider, so Django finds this one first): DOT's deletes through the
ORM collector, which loads every row it cascades to. Here each table is
walked in primary-key ranges of ``--batch-size`` dead rows; references
between the two token tables are cleared with one UPDATE per range and the
rows deleted with one DELETE, so memory stays flat whatever the table size
(bench/scale.py: 1,000,000 expired tokens, same peak memory as 100,000).

A rotated-out refresh token is kept while any token of its family is live:
presented again, it is what reuse detection revokes the family by (RFC 9700
§4.14.2). It goes once the whole family is dead. Audit events older than
``AUDIT_RETENTION_DAYS`` go too (0 keeps them all).
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q
from django.utils import timezone

from oauth_grants.conf import app_settings
from oauth_grants.internals import raw_delete
from oauth_grants.lockout import signin_failures_prune
from oauth_grants.models import (
    AccessToken,
    AuditEvent,
    AuthorizationCode,
    IDToken,
    RefreshToken,
)


def family_alive(now: datetime) -> Q:
    """A refresh token whose family still has a live access or refresh token."""
    live = Q(token_family=OuterRef("token_family"), revoked__isnull=True)
    return Q(
        Exists(RefreshToken.objects.filter(live, expires__gt=now))
        | Exists(AccessToken.objects.filter(live, expires__gt=now))
    )


def dead_refresh_tokens(now: datetime) -> Q:
    """Revoked or expired, and not a rotated-out token of a living family."""
    dead = Q(revoked__isnull=False) | Q(expires__lte=now)
    needed = Q(rotated_at__isnull=False, token_family__isnull=False) & family_alive(now)
    return dead & ~needed


class Command(BaseCommand):
    help = "Delete expired and revoked tokens and expired codes, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=10000)
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        size = max(1, options["batch_size"])
        quiet = options["quiet"]
        dead = Q(revoked__isnull=False) | Q(expires__lte=now)
        plan: list[tuple[str, type[Model], Q]] = [
            ("refresh tokens", RefreshToken, dead_refresh_tokens(now)),
            ("access tokens", AccessToken, dead),
            ("authorization codes", AuthorizationCode, Q(expires__lte=now)),
            ("ID tokens", IDToken, Q(expires__lte=now, access_token__isnull=True)),
        ]
        retention = app_settings.AUDIT_RETENTION_DAYS
        if retention:
            before = now - timedelta(days=retention)
            plan.append(("audit events", AuditEvent, Q(created__lt=before)))
        for label, model, condition in plan:
            removed = self._sweep(label, model, condition, size, quiet)
            self.stdout.write("%s: %d removed" % (label, removed))
        removed = signin_failures_prune()
        self.stdout.write("sign-in failure counts: %d removed" % removed)

    def _sweep(
        self, label: str, model: type[Model], condition: Q, size: int, quiet: bool
    ) -> int:
        total = model._default_manager.filter(condition).count()
        done = 0
        last_pk = 0
        while True:
            # A batch is a primary-key range holding ``size`` dead rows: the
            # statements below name the range, not the rows (a list of 10,000
            # ids cost more Python than the deletes cost PostgreSQL).
            batch = model._default_manager.filter(condition, pk__gt=last_pk)
            upper = list(
                batch.order_by("pk").values_list("pk", flat=True)[size - 1 : size]
            )
            if upper:
                batch = batch.filter(pk__lte=upper[0])
            with transaction.atomic():
                if model is AccessToken:
                    RefreshToken.objects.filter(access_token__in=batch).update(
                        access_token=None
                    )
                elif model is RefreshToken:
                    AccessToken.objects.filter(source_refresh_token__in=batch).update(
                        source_refresh_token=None
                    )
                removed = raw_delete(batch)
            done += removed
            if not quiet:
                self._progress(label, done, total)
            if not upper:
                break
            last_pk = upper[0]
        if not quiet and total:
            sys.stderr.write("\n")
        return done

    def _progress(self, label: str, done: int, total: int) -> None:
        width = 30
        filled = width * min(done, total) // total if total else width
        sys.stderr.write(
            "\r%-20s [%s%s] %d/%d"
            % (label, "#" * filled, "." * (width - filled), done, total)
        )
        sys.stderr.flush()
