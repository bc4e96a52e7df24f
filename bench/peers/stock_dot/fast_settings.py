"""Settings for the "DOT configured for speed" benchmark peer.

The stock peer's project (``settings``) with the one change a DOT deployer
who measured would make: client secrets hashed with a salted HMAC-SHA256
(the hasher authserver itself uses, ``oauth_grants.hashers``) instead of
Django's PBKDF2, which costs hundreds of milliseconds a check. Secrets here
are server-generated and high-entropy, so stretching buys nothing. Same
server command line, same PostgreSQL server, its own database. Bench-only.
"""

from __future__ import annotations

from bench.peers.stock_dot.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "oauth_grants.hashers.ClientSecretHasher",
]
OAUTH2_PROVIDER = {"CLIENT_SECRET_HASHER": "client_sha256"}
