"""Generation and at-rest hashing of codes and tokens."""

from __future__ import annotations

import hashlib
import secrets


def generate_token(request: object = None) -> str:
    """A 256-bit random bearer value (oauthlib's token generator signature)."""
    return secrets.token_urlsafe(32)


def token_digest(value: str) -> str:
    """SHA-256 of a code or token: the only form stored.

    RFC 6819 §5.1.4.1.3 and §5.1.5.3; RFC 9700 §4.14.

    The values are 256-bit random, so a plain digest cannot be reversed or
    brute-forced; no salt or stretching is needed, and lookups stay indexed.
    """
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
