"""Single-use items for the DOT peer's code exchange and refresh runs.

Run under the peer's settings (``python -m bench.peers.stock_dot.mint``,
DJANGO_SETTINGS_MODULE and DATABASE_URL set by ``peer.start``):

``OUTDIR CLIENT_ID --warmup N --run M`` (the secret in BENCH_WEB_SECRET)
    Registers a confidential authorization_code client (DOT hashes the
    secret with the configured hasher), then N + M PKCE (S256) grants and
    N + M refresh tokens (each with its access token) for one user, inserted
    with ``bulk_create`` as DOT stores them. Writes ``codes-warmup.txt``,
    ``codes-run.txt`` (``code,verifier`` a line) and ``refresh-warmup.txt``,
    ``refresh-run.txt`` (a token a line) into OUTDIR, as bench/seed.py does
    for ours, so bench/wrk.py sends each at most once; and ``sessions.txt``,
    session keys of that user signed in, for DOT's consent page.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import django

REDIRECT_URI = "https://bench.example.test/cb"
SCOPE = "read"
BATCH = 5000
SESSIONS = 64


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir", type=Path)
    parser.add_argument("client_id")
    parser.add_argument("--warmup", type=int, required=True)
    parser.add_argument("--run", type=int, required=True)
    args = parser.parse_args(argv)
    django.setup()

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from oauth2_provider.models import (
        get_access_token_model,
        get_application_model,
        get_grant_model,
        get_refresh_token_model,
    )

    from bench.seed import s256

    application = get_application_model()
    access_token = get_access_token_model()
    user = get_user_model().objects.create_user("bench-web-user")
    web = application.objects.create(
        name="bench-web",
        client_id=args.client_id,
        client_secret=os.environ["BENCH_WEB_SECRET"],
        client_type=application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT_URI,
        user=user,
    )
    expires = timezone.now() + timedelta(hours=2)
    total = args.warmup + args.run

    codes: list[str] = []
    for start in range(0, total, BATCH):
        grants = []
        for _ in range(start, min(start + BATCH, total)):
            code, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(48)
            codes.append("%s,%s" % (code, verifier))
            grants.append(
                get_grant_model()(
                    application=web,
                    user=user,
                    code=code,
                    expires=expires,
                    redirect_uri=REDIRECT_URI,
                    scope=SCOPE,
                    code_challenge=s256(verifier),
                    code_challenge_method="S256",
                )
            )
        get_grant_model().objects.bulk_create(grants)

    refresh: list[str] = []
    for start in range(0, total, BATCH):
        size = min(start + BATCH, total) - start
        tokens = access_token.objects.bulk_create(
            access_token(
                user=user,
                application=web,
                token=secrets.token_urlsafe(30),
                scope=SCOPE,
                expires=expires,
            )
            for _ in range(size)
        )
        values = [secrets.token_urlsafe(30) for _ in range(size)]
        get_refresh_token_model().objects.bulk_create(
            get_refresh_token_model()(
                user=user, application=web, token=value, access_token=token
            )
            for value, token in zip(values, tokens, strict=True)
        )
        refresh += values

    from django.test import Client as Browser

    sessions = []
    for _ in range(SESSIONS):
        browser = Browser()
        browser.force_login(user)
        sessions.append(browser.session.session_key)
    (args.outdir / "sessions.txt").write_text("\n".join(sessions) + "\n")

    for kind, lines in (("codes", codes), ("refresh", refresh)):
        (args.outdir / ("%s-warmup.txt" % kind)).write_text(
            "\n".join(lines[: args.warmup]) + "\n"
        )
        (args.outdir / ("%s-run.txt" % kind)).write_text(
            "\n".join(lines[args.warmup :]) + "\n"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
