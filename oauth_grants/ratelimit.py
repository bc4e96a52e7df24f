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

Far from a limit, a process does not ask Redis on every request (as Kong's
rate-limiting plugin syncs its counters every ``sync_rate``): it counts
locally and sends the sum with its next round trip. It does so only while,
for every counter of the request, its unsent count stays under 1% of the
limit (LOCAL_BATCH_FRACTION), its last exchange with Redis is under 100 ms
old (LOCAL_SYNC_SECONDS) and the total it knows of is under half the limit.
So a limit under 100 is always counted in Redis, every request near a limit
is too, and the most a limit can be overshot by is 1% of it per process.
Under steady load that removes all but about ten Redis round trips a second
per process and counter.
"""

from __future__ import annotations

import hashlib
import logging
import threading
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


# KEYS: the counters; ARGV[1]: their lifetime in seconds, ARGV[i + 1]: what to
# add to KEYS[i]. Returns the new counts.
COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  local added = tonumber(ARGV[i + 1])
  counts[i] = redis.call('INCRBY', key, added)
  if counts[i] == added then redis.call('EXPIRE', key, ARGV[1]) end
end
return counts
"""
LOCAL_BATCH_FRACTION = 100
LOCAL_SYNC_SECONDS = 0.1
LOCAL_MAX_COUNTERS = 100_000

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


def _add(keys: list[str], amounts: list[int], ttl: int) -> list[int]:
    """Add ``amounts`` to the shared counters ``keys``; their new totals."""
    script = _redis_count_script()
    if script is None:
        counts = []
        for key, amount in zip(keys, amounts, strict=True):
            cache.add(key, 0, ttl)
            counts.append(cache.incr(key, amount))
        return counts
    return script(keys=keys, args=[ttl, *amounts])


@dataclass
class _Counter:
    """This process's view of one shared counter."""

    known: int = 0  # the shared total at the last exchange
    unsent: int = 0  # counted here since
    synced_at: float = float("-inf")


class _LocalCounters:
    """Counters of the current window, per process (see the module docstring)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.slot = -1
        self.counters: dict[str, _Counter] = {}

    def count_locally(self, slot: int, keys: list[str], caps: list[int]) -> bool:
        """Count one request here, without Redis, if every counter allows it."""
        now = time.monotonic()
        with self.lock:
            if slot != self.slot or len(self.counters) > LOCAL_MAX_COUNTERS:
                self.slot, self.counters = slot, {}
            counters = [self.counters.setdefault(key, _Counter()) for key in keys]
            local = all(
                counter.unsent < cap // LOCAL_BATCH_FRACTION
                and 2 * (counter.known + counter.unsent + 1) <= cap
                and now - counter.synced_at < LOCAL_SYNC_SECONDS
                for counter, cap in zip(counters, caps, strict=True)
            )
            if local:
                for counter in counters:
                    counter.unsent += 1
            return local

    def take_unsent(self, keys: list[str]) -> list[int]:
        """What to send for these keys: the unsent counts plus this request."""
        with self.lock:
            amounts = []
            for key in keys:
                counter = self.counters.setdefault(key, _Counter())
                amounts.append(counter.unsent + 1)
                counter.unsent = 0
            return amounts

    def synced(self, keys: list[str], totals: list[int]) -> None:
        now = time.monotonic()
        with self.lock:
            for key, total in zip(keys, totals, strict=True):
                counter = self.counters.setdefault(key, _Counter())
                counter.known, counter.synced_at = total, now


_local = _LocalCounters()


def local_counters_clear() -> None:
    """Forget this process's unsent counts (tests start from nothing)."""
    global _local
    _local = _LocalCounters()


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
    if not keys or _local.count_locally(slot, keys, caps):
        return Verdict(True)
    amounts = _local.take_unsent(keys)
    try:
        counts = _add(keys, amounts, window + 1)
    except Exception:  # noqa: BLE001 - see the module docstring
        log.warning("rate limit cache unavailable", exc_info=True)
        return Verdict(True)
    _local.synced(keys, counts)
    if any(count > cap for count, cap in zip(counts, caps, strict=True)):
        return Verdict(False, window - now % window)
    return Verdict(True)
