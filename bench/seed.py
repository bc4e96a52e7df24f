"""The data `make bench` drives, written straight into the bench database.

Run inside the bench environment (``python -m bench.seed``, production
settings, see bench/stack.py):

``seed OUTDIR --warmup N --run M``
    Registers the clients through the product's own service
    (``client_create``): a confidential app (authorization_code,
    client_credentials, the ``profile`` scope) and a resource server. Creates
    a user with one long-lived access token, signed-in sessions for the
    consent page, and for each single-use scenario N + M items (codes,
    refresh tokens, access tokens for remote cache misses), inserted with
    ``bulk_create`` as the app stores them (SHA-256 digests only). Writes
    into OUTDIR (which the caller keeps private):

    * ``secrets.json``: client ids and secrets, the token, the redirect URI,
      the session cookie's name;
    * ``KIND-warmup.txt`` and ``KIND-run.txt``, KIND in codes, refresh,
      tokens: disjoint sets, one item a line (``code,verifier`` for codes);
    * ``sessions.txt``: session keys of signed-in users with no consent yet.

``verify``
    Prints, as JSON, how many codes were redeemed, refresh tokens rotated,
    and replays detected (which must be 0).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import secrets
import sys
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

REDIRECT_URI = "https://bench.example.test/cb"
SCOPE = "profile"
SESSIONS = 64
BATCH = 5000
# Lives through any bench run: codes and tokens must not expire mid-run.
LIFETIME = timedelta(hours=2)


def s256(verifier: str) -> str:
    """RFC 7636 S256 code challenge of ``verifier``."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _insert(
    model: Any, count: int, make: Callable[[int], tuple[str, Any]]
) -> tuple[list[str], list[Any]]:
    """Insert ``count`` rows of ``model`` in batches; ``make(n)`` returns the
    n-th item's line (what a client would send) and its unsaved row.

    Returns the lines and the saved rows (with primary keys: PostgreSQL).
    """
    lines: list[str] = []
    rows: list[Any] = []
    for start in range(0, count, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, count)):
            line, row = make(n)
            lines.append(line)
            batch.append(row)
        rows += model.objects.bulk_create(batch)
    return lines, rows


def mint_codes(app: Any, user: Any, count: int) -> list[str]:
    """Insert ``count`` unredeemed PKCE codes; return ``code,verifier`` lines."""
    from oauth_grants.models import AuthorizationCode
    from oauth_grants.tokens import generate_token, token_digest

    expires = _expires()

    def make(n: int) -> tuple[str, Any]:
        code, verifier = generate_token(), secrets.token_urlsafe(48)
        row = AuthorizationCode(
            application=app,
            user=user,
            code=token_digest(code),
            expires=expires,
            redirect_uri=REDIRECT_URI,
            scope=SCOPE,
            code_challenge=s256(verifier),
            code_challenge_method="S256",
            nonce="",
            claims="",
        )
        return "%s,%s" % (code, verifier), row

    return _insert(AuthorizationCode, count, make)[0]


def mint_access_tokens(app: Any, user: Any, count: int) -> tuple[list[str], list[Any]]:
    """Insert ``count`` live access tokens, each of its own family; return
    their values and rows."""
    from oauth_grants.models import AccessToken
    from oauth_grants.tokens import generate_token, token_digest

    expires = _expires()

    def make(n: int) -> tuple[str, Any]:
        value = generate_token()
        row = AccessToken(
            user=user,
            application=app,
            scope=SCOPE,
            expires=expires,
            token="",
            token_checksum=token_digest(value),
            token_family=uuid.uuid4(),
        )
        return value, row

    return _insert(AccessToken, count, make)


def mint_refresh_tokens(app: Any, user: Any, count: int) -> list[str]:
    """Insert ``count`` live refresh tokens, each with the access token it
    was issued with and that token's family, as ``save_bearer_token`` stores
    them; return their values."""
    from oauth_grants.models import RefreshToken
    from oauth_grants.tokens import generate_token, token_digest

    _, access = mint_access_tokens(app, user, count)
    expires = _expires()

    def make(n: int) -> tuple[str, Any]:
        value = generate_token()
        row = RefreshToken(
            user=user,
            application=app,
            access_token=access[n],
            token="",
            token_checksum=token_digest(value),
            token_family=access[n].token_family,
            scope=SCOPE,
            expires=expires,
        )
        return value, row

    return _insert(RefreshToken, count, make)[0]


def _expires() -> Any:
    """Expiry of every minted code and token: ``LIFETIME`` from now."""
    from django.utils import timezone

    return timezone.now() + LIFETIME


def signed_in_sessions(count: int) -> list[str]:
    """Sign in ``count`` new users through Django's login machinery (the
    configured session engine); return their session keys."""
    from django.contrib.auth import get_user_model
    from django.test import Client as Browser

    keys = []
    for n in range(count):
        user = get_user_model().objects.create_user(
            "consent%d" % n, email="consent%d@bench.example.test" % n
        )
        browser = Browser()
        browser.force_login(user)
        keys.append(browser.session.session_key)
    return keys


def seed(outdir: Path, warmup: int, run: int) -> None:
    """Create everything the scenarios need and write it to ``outdir``."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from oauth_grants.client_services import client_create
    from oauth_grants.models import Client, Scope

    Scope.objects.get_or_create(name=SCOPE, defaults={"description": "Your profile"})
    app, app_secret = client_create(
        name="Bench App",
        client_type=Client.CLIENT_CONFIDENTIAL,
        grant_types=["authorization_code", "client_credentials"],
        redirect_uris=[REDIRECT_URI],
        scopes=[SCOPE],
    )
    rs, rs_secret = client_create(
        name="Bench RS",
        client_type=Client.CLIENT_CONFIDENTIAL,
        grant_types=[],
        redirect_uris=[],
        scopes=[],
        is_resource_server=True,
    )
    user = get_user_model().objects.create_user("bench", email="b@bench.example.test")
    [token], _ = mint_access_tokens(app, user, 1)
    secrets_file = outdir / "secrets.json"
    secrets_file.touch(mode=0o600)
    secrets_file.write_text(
        json.dumps(
            {
                "app": {"client_id": app.client_id, "client_secret": app_secret},
                "rs": {"client_id": rs.client_id, "client_secret": rs_secret},
                "token": token,
                "redirect_uri": REDIRECT_URI,
                "scope": SCOPE,
                "session_cookie": settings.SESSION_COOKIE_NAME,
            }
        )
    )
    for kind, mint in (
        ("codes", mint_codes),
        ("refresh", mint_refresh_tokens),
        ("tokens", lambda a, u, n: mint_access_tokens(a, u, n)[0]),
    ):
        with transaction.atomic():
            lines = mint(app, user, warmup + run)
        (outdir / ("%s-warmup.txt" % kind)).write_text("\n".join(lines[:warmup]) + "\n")
        (outdir / ("%s-run.txt" % kind)).write_text("\n".join(lines[warmup:]) + "\n")
    (outdir / "sessions.txt").write_text("\n".join(signed_in_sessions(SESSIONS)) + "\n")


def verify() -> dict[str, int]:
    """Count redeemed codes, rotated refresh tokens and detected replays."""
    from oauth_grants.models import AuditEvent, AuthorizationCode, RefreshToken

    replays = AuditEvent.objects.filter(
        event__in=[AuditEvent.Type.CODE_REPLAY, AuditEvent.Type.REFRESH_REUSE]
    )
    return {
        "codes_redeemed": AuthorizationCode.objects.filter(
            redeemed_at__isnull=False
        ).count(),
        "refresh_rotated": RefreshToken.objects.filter(
            rotated_at__isnull=False
        ).count(),
        "replays_detected": replays.count(),
    }


def main(argv: list[str]) -> None:
    """Parse the command line (see the module docstring) and run it."""
    parser = argparse.ArgumentParser(prog="python -m bench.seed")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("seed")
    make.add_argument("outdir", type=Path)
    make.add_argument("--warmup", type=int, required=True)
    make.add_argument("--run", type=int, required=True)
    commands.add_parser("verify")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "authserver.settings")
    import django

    django.setup()
    if args.command == "seed":
        seed(args.outdir, args.warmup, args.run)
    else:
        print(json.dumps(verify()))


if __name__ == "__main__":
    main(sys.argv[1:])
