"""Bounds and timings the server states to its clients, one home each.

Imports nothing, so the resource API can use them without the
authorization server's apps installed.
"""

from __future__ import annotations

# The longest code or token value looked up: ours are 43 characters; longer
# input is refused before any hashing or database work.
MAX_TOKEN_LENGTH = 512

# Seconds a client is told to wait (Retry-After) when the database cannot be
# reached: statement and lock timeouts are a few seconds, a failover about one.
UNAVAILABLE_RETRY_AFTER_SECONDS = 1
