"""OpenID Connect signing keys, read from configuration.

The signing key and the other published keys (the next one, before a
rotation; the previous one, after it) come from settings.AUTHSERVER, which
reads them from the environment or files: every process has the same keys,
none is generated at run time. Rotation: publish the next key for a while
(clients fetch the JWKS), make it the signing key, keep publishing the old
one until the ID tokens it signed have expired.
"""

from __future__ import annotations

from functools import lru_cache

from jwcrypto import jwk

from oauth_grants.conf import app_settings

ALGORITHM = "RS256"


@lru_cache(maxsize=8)
def _load(pem: str) -> jwk.JWK:
    return jwk.JWK.from_pem(pem.encode())


def split_pems(text: str) -> list[str]:
    """Split concatenated PEM blocks."""
    blocks, current = [], []
    for line in text.strip().splitlines():
        current.append(line)
        if line.startswith("-----END"):
            blocks.append("\n".join(current) + "\n")
            current = []
    return blocks


def signing_key() -> jwk.JWK | None:
    pem = app_settings.OIDC_PRIVATE_KEY
    return _load(pem) if pem else None


def oidc_enabled() -> bool:
    return signing_key() is not None


def key_id(key: jwk.JWK) -> str:
    return key.thumbprint()


def public_jwks() -> dict[str, list[dict[str, str]]]:
    """The JWKS: the signing key first, then every other published key."""
    pems = [app_settings.OIDC_PRIVATE_KEY]
    pems += split_pems(app_settings.OIDC_PUBLISHED_KEYS)
    keys, seen = [], set()
    for pem in pems:
        if not pem:
            continue
        key = _load(pem)
        kid = key_id(key)
        if kid in seen:
            continue
        seen.add(kid)
        public = key.export_public(as_dict=True)
        public.update({"kid": kid, "alg": ALGORITHM, "use": "sig"})
        keys.append(public)
    return {"keys": keys}
