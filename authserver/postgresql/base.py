"""PostgreSQL, with a connection health check that skips connections in use.

Django's ``CONN_HEALTH_CHECKS`` sends ``SELECT 1`` before the first query of
every request that reuses a persistent connection: one more round trip on
every request, about as costly as the request's real query once that query
is a prepared statement. Like HikariCP's ``aliveBypassWindowMs`` (500 ms by
default), a connection that served a query less than
``HEALTH_CHECK_BYPASS_SECONDS`` ago is trusted without the check: under load
no request pays for it, and an idle connection, the one that may have died
with a restarted server or a dropped TCP session, is still checked.

A connection that fails inside the window costs that one request a 503
(every endpoint turns DatabaseError into 503), and Django closes it at the
end of that request because an error occurred on it: the next request opens
a fresh one. That is the same outcome as a server dying mid-request.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.backends.postgresql import base

HEALTH_CHECK_BYPASS_SECONDS = 0.5


class DatabaseWrapper(base.DatabaseWrapper):
    last_used_at = float("-inf")

    def close_if_health_check_failed(self) -> None:
        recently_used = (
            time.monotonic() - self.last_used_at < HEALTH_CHECK_BYPASS_SECONDS
        )
        if self.connection is not None and recently_used:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _cursor(self, name: str | None = None) -> Any:
        # A private method of Django's backend (django/db/backends/base/base.py).
        cursor = super()._cursor(name)  # type: ignore[misc]
        self.last_used_at = time.monotonic()
        return cursor
