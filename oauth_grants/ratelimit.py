"""Fixed-window rate limits kept in the shared cache (Redis in production).

Counters live in the shared cache, never in a process, so every server
process enforces the same limit. With RATE_LIMIT_REDIS_URL set (the project
sets it from REDIS_URL) both counters of a request cost one Redis command: a
Lua script that increments each key and starts its expiry on the first
increment (a pipeline of INCR + EXPIRE per key cost three times as much
Python to pack and parse); otherwise the Django cache's ``add`` and ``incr``
are used (two round trips per key).
A cache that is down does not take the endpoints down with it: the limit is
then not enforced (logged), because refusing every token request would turn
a cache outage into a full outage.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from oauth_grants.conf import app_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def _limits(endpoint: str) -> dict[str, int]:
    return app_settings.RATE_LIMITS.get(endpoint, {})


# KEYS: the counters; ARGV[1]: their lifetime in seconds. Returns the counts.
COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  if counts[i] == 1 then redis.call('EXPIRE', key, ARGV[1]) end
end
return counts
"""

_redis_scripts: dict[str, Any] = {}


def _redis_count_script() -> Any:
    """COUNT_SCRIPT on RATE_LIMIT_REDIS_URL, or None (redis is optional)."""
    url = app_settings.RATE_LIMIT_REDIS_URL
    if not url:
        return None
    if url not in _redis_scripts:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        # EVALSHA, falling back to EVAL once if Redis has not seen the script.
        _redis_scripts[url] = client.register_script(COUNT_SCRIPT)
    return _redis_scripts[url]


def _count(keys: list[str], ttl: int) -> list[int]:
    script = _redis_count_script()
    if script is None:
        counts = []
        for key in keys:
            cache.add(key, 0, ttl)
            counts.append(cache.incr(key))
        return counts
    return script(keys=keys, args=[ttl])


def rate_limit_check(
    *, endpoint: str, address: str | None, client_id: str | None
) -> Verdict:
    """Count this request against the endpoint's per-address and per-client limits."""
    limits = _limits(endpoint)
    window = int(app_settings.RATE_LIMIT_WINDOW_SECONDS)
    now = int(time.time())
    slot = now // window
    keys, caps = [], []
    for kind, ident in (("address", address), ("client", client_id)):
        limit = limits.get(kind)
        if not limit or not ident:
            continue
        digest = hashlib.sha256(ident.encode("utf-8", "replace")).hexdigest()[:32]
        keys.append("rl:%s:%s:%s:%d" % (endpoint, kind, digest, slot))
        caps.append(limit)
    if not keys:
        return Verdict(True)
    try:
        counts = _count(keys, window + 1)
    except Exception:  # noqa: BLE001 - see the module docstring
        log.warning("rate limit cache unavailable", exc_info=True)
        return Verdict(True)
    if any(count > cap for count, cap in zip(counts, caps, strict=True)):
        return Verdict(False, window - now % window)
    return Verdict(True)
