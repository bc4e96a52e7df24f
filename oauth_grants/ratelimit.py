"""Fixed-window rate limits kept in the shared cache (Redis in production).

One cache ``add`` and one ``incr`` per key and request. Counters live in the
cache, never in a process, so every server process enforces the same limit.
A cache that is down does not take the endpoints down with it: the limit is
then not enforced (logged), because refusing every token request would turn
a cache outage into a full outage.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.core.cache import cache

from oauth_grants.conf import app_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def _limits(endpoint: str) -> dict[str, int]:
    return app_settings.RATE_LIMITS.get(endpoint, {})


def rate_limit_check(
    *, endpoint: str, address: str | None, client_id: str | None
) -> Verdict:
    """Count this request against the endpoint's per-address and per-client limits."""
    limits = _limits(endpoint)
    window = int(app_settings.RATE_LIMIT_WINDOW_SECONDS)
    now = int(time.time())
    slot = now // window
    retry_after = window - now % window
    for kind, ident in (("address", address), ("client", client_id)):
        limit = limits.get(kind)
        if not limit or not ident:
            continue
        digest = hashlib.sha256(ident.encode("utf-8", "replace")).hexdigest()[:32]
        key = "rl:%s:%s:%s:%d" % (endpoint, kind, digest, slot)
        try:
            cache.add(key, 0, window + 1)
            count = cache.incr(key)
        except Exception:  # noqa: BLE001 - see the module docstring
            log.warning("rate limit cache unavailable", exc_info=True)
            return Verdict(True)
        if count > limit:
            return Verdict(False, retry_after)
    return Verdict(True)
