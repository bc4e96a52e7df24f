"""bench/scale.py's parts: token rows made inside PostgreSQL, a million at a
time; the token lookup timed alone.

Every row is shaped like one the app writes (oauth_grants/models.py): ``token``
empty, ``token_checksum`` the SHA-256 hex digest of the bearer value, every
NOT NULL column filled. Bearer values are ``<prefix><n>``, so a benchmark
can name any row's value without storing it.
"""

from __future__ import annotations

import hashlib
import time

import psycopg

AT = "oauth_grants_accesstoken"
RT = "oauth_grants_refreshtoken"

# One statement, set-based: about 20 s for 1,000,000 rows and 11 indexes.
INSERT_ACCESS = """
INSERT INTO oauth_grants_accesstoken (token, token_checksum, expires, scope,
    resource, created, updated, token_family, user_id, application_id)
SELECT '', encode(sha256(convert_to(%(prefix)s::text || i, 'UTF8')), 'hex'),
       e.expires, 'profile', '[]'::jsonb, e.created, e.created,
       gen_random_uuid(),
       CASE WHEN i %% 2 = 0 THEN %(user)s::int END, %(app)s::bigint
FROM generate_series(%(first)s::int, %(last)s::int) AS i,
     LATERAL (SELECT x, least(x, now()) - interval '1 hour' FROM (
         SELECT now() + %(sign)s::int * make_interval(
             secs => 3600 + (i::bigint * 7919) %% 3600)) AS t(x)) AS e(expires, created)
"""

# A refresh token for every other user-bound access token inserted after
# ``after``; every other one of those expired too (cleartokens deletes it),
# the rest live (cleartokens only unlinks them).
INSERT_REFRESH = """
INSERT INTO oauth_grants_refreshtoken (token, token_checksum, token_family,
    resource, created, updated, scope, expires, access_token_id,
    application_id, user_id)
SELECT '', encode(sha256(convert_to('scale-rt-' || a.id, 'UTF8')), 'hex'),
       a.token_family, '[]'::jsonb, a.created, a.created, a.scope,
       CASE WHEN a.n %% 4 = 0 THEN now() - interval '1 hour'
            ELSE now() + interval '30 days' END,
       a.id, a.application_id, a.user_id
FROM (SELECT *, row_number() OVER (ORDER BY id) AS n
      FROM oauth_grants_accesstoken
      WHERE id > %(after)s AND user_id IS NOT NULL) AS a
WHERE a.n %% 2 = 0
"""


def connect(url: str) -> psycopg.Connection:
    """An autocommit connection (VACUUM refuses to run in a transaction)."""
    return psycopg.connect(url, autocommit=True)


def scalar(conn: psycopg.Connection, query: str, params: object = None) -> int:
    """The first column of the first row, as an int (0 for NULL)."""
    row = conn.execute(query, params).fetchone()  # type: ignore[arg-type]
    return int(row[0] or 0) if row else 0


def insert_access(
    conn: psycopg.Connection,
    *,
    prefix: str,
    first: int,
    last: int,
    app: int,
    user: int,
    live: bool,
) -> None:
    """Access tokens ``prefix+first`` .. ``prefix+last``, half user-bound.

    Live ones expire 1 to 2 hours from now; expired ones expired 1 to 2
    hours ago. Expiry times are spread, not equal, so the expires index
    looks like production's.
    """
    conn.execute(
        INSERT_ACCESS,
        {
            "prefix": prefix,
            "first": first,
            "last": last,
            "app": app,
            "user": user,
            "sign": 1 if live else -1,
        },
    )


def insert_refresh(conn: psycopg.Connection, *, after_id: int) -> int:
    """Refresh tokens for access tokens with id > ``after_id``; how many."""
    return conn.execute(INSERT_REFRESH, {"after": after_id}).rowcount


def vacuum(conn: psycopg.Connection) -> None:
    """VACUUM ANALYZE both token tables, as autovacuum eventually would, then
    CHECKPOINT, so the bulk load's dirty pages are not written out during
    the next measurement."""
    conn.execute("VACUUM ANALYZE %s" % AT)
    conn.execute("VACUUM ANALYZE %s" % RT)
    conn.execute("CHECKPOINT")


def counts(conn: psycopg.Connection) -> dict[str, int]:
    """Rows in the token tables: all, dead (expired or revoked) and live."""
    dead = "revoked IS NOT NULL OR expires <= now()"
    return {
        "access_total": scalar(conn, "SELECT count(*) FROM %s" % AT),
        "access_dead": scalar(conn, "SELECT count(*) FROM %s WHERE %s" % (AT, dead)),
        "refresh_total": scalar(conn, "SELECT count(*) FROM %s" % RT),
        "refresh_dead": scalar(conn, "SELECT count(*) FROM %s WHERE %s" % (RT, dead)),
    }


def lookup_us(conn: psycopg.Connection, values: list[str]) -> dict[str, float]:
    """Mean and p99 microseconds of the token's index lookup alone (prepared,
    from this process, second pass over ``values``): the part of
    introspection that table size can change, without HTTP queueing noise."""
    query = "SELECT id, expires, revoked FROM %s WHERE token_checksum = %%s" % AT
    digests = [hashlib.sha256(value.encode()).hexdigest() for value in values]
    times: list[int] = []
    for _ in range(2):
        times = []
        for digest in digests:
            started = time.perf_counter_ns()
            assert conn.execute(query, (digest,), prepare=True).fetchone()
            times.append(time.perf_counter_ns() - started)
    times.sort()
    return {
        "lookup_mean_us": round(sum(times) / len(times) / 1000, 1),
        "lookup_p99_us": round(times[len(times) * 99 // 100] / 1000, 1),
    }
