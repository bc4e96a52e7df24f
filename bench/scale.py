"""`make bench`, the scale requirements, on PostgreSQL database bench_scale.

1. Introspection p99 with 1,000,000 access tokens in the table stays within
   20% of its value with 1,000. The application server (deploy/app-server,
   granian) runs through phases A (1,000 rows), B (1,000,000 rows, VACUUM
   ANALYZE, no server restart) and A again (table truncated back to the same
   1,000 rows). B is compared with the mean of the two A runs, and the
   verdict is void if those differ by more than 20%. Each phase: a 5 s
   warm-up, then three runs of wrk -t2 -c32 -d10s (the one with the median
   p99 is reported) walking 1,000 distinct live tokens, so
   the lookups touch many index pages: in A every row, in B 1,000 spread
   over the whole table. The index lookup is also timed alone (prepared,
   from this process), free of HTTP queueing.
2. cleartokens on 1,000,000 expired access tokens (plus refresh tokens, a
   quarter of them linked, half of those expired) finishes in under 60 s in
   constant memory: peak RSS (wait4 of that child alone) at 1,000,000 within
   20% of the run at 100,000, with the empty-table run as the baseline.

Prints a table and writes bench/results/scale.json. Touches only database
bench_scale and Redis db 8.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import random
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if sys.path[0] != str(ROOT):
    sys.path.insert(0, str(ROOT))

from bench import scale_lib as db  # noqa: E402
from bench import stack, wrk  # noqa: E402
from bench.peers import basic  # noqa: E402

WALK = 1000  # distinct tokens each wrk run cycles through
RUNS = 3  # measured runs per phase; the median p99's run is reported
BIG = 1_000_000


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_BASE = stack.Config.from_env()
# bench.py's configuration, on a database, Redis db and port of this run's own.
CONFIG = dataclasses.replace(
    _BASE,
    port=free_port(),
    database_url=_BASE.peer_database_url("bench_scale"),
    redis_url="redis://127.0.0.1:6379/8",
)
PORT = CONFIG.port
PG = CONFIG.database_url
ENV = stack.app_env(CONFIG, PORT)


def manage(*args: str) -> str:
    """``manage.py args`` under ENV; its stdout. Raises if it fails."""
    return stack.run_python(["manage.py", *args], ENV)


def seed() -> dict[str, Any]:
    """A fresh, migrated bench_scale; Redis db 8 flushed; clients and a user."""
    stack.reset_database(PG)
    stack.reset_cache(CONFIG.redis_url)
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput", "-v0")
    manage("create_scope", "profile", "--description", "Your profile")
    common = "create_client --type confidential --json --name "
    app = json.loads(
        manage(*shlex.split(common + "App --grant client_credentials --scope profile"))
    )
    rs = json.loads(manage(*shlex.split(common + "RS --resource-server")))
    manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model as g;"
        "g().objects.create_user('scale', email='s@x.test')",
    )
    with db.connect(PG) as conn:
        app_id = db.scalar(
            conn,
            "SELECT id FROM oauth_grants_client WHERE client_id = %s",
            (app["client_id"],),
        )
        user_id = db.scalar(conn, "SELECT id FROM auth_user WHERE username='scale'")
    return {"app": app_id, "user": user_id, "rs": rs}


def measure(auth: str, values: list[str]) -> dict[str, float]:
    """Checks a sample of ``values`` introspects as active, warms up, measures."""
    for value in random.Random(7).sample(values, 20):
        request = urllib.request.Request(
            "http://127.0.0.1:%d/oauth/introspect" % PORT,
            data=("token=" + value).encode(),
            headers={"Authorization": auth},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response).get("active") is True, value
    request = wrk.Request(
        "http://127.0.0.1:%d" % PORT,
        "/oauth/introspect",
        "POST",
        {"Authorization": auth},
        "token={0}",
    )
    with tempfile.TemporaryDirectory() as work:
        tokens, script = Path(work, "tokens.txt"), Path(work, "walk.lua")
        tokens.write_text("\n".join(values) + "\n")
        load = {"connections": CONFIG.connections, "threads": CONFIG.threads}
        items = wrk.Items(tokens, tokens, single_use=False)
        script.write_text(wrk.lua_script(request, items, CONFIG.threads))
        wrk.run(request, tokens, script, duration="5s", **load)  # warm-up
        # One 10 s p99 here moves by 2x from run to run, more than the 20%
        # being judged: the phase reports the run with the median p99 of RUNS.
        results = sorted(
            (
                wrk.run(request, tokens, script, duration="10s", **load)
                for _ in range(RUNS)
            ),
            key=lambda result: result.p99_ms,
        )
    median = results[len(results) // 2]
    return {
        "rps": round(median.rps, 2),
        "p50_ms": median.p50_ms,
        "p99_ms": median.p99_ms,
        "non_2xx": median.non_2xx + median.socket_errors,
        "p99_runs_ms": [result.p99_ms for result in results],
    }


def phase(conn: Any, auth: str, values: list[str]) -> dict[str, Any]:
    """One phase's numbers: table rows, the lookup alone, and wrk's run."""
    rows = {"rows": db.counts(conn)["access_total"]}
    return {**rows, **db.lookup_us(conn, values), **measure(auth, values)}


def cleartokens() -> dict[str, float]:
    """Runs ``manage.py cleartokens --quiet``: wall seconds and that child's
    peak RSS in MB, from wait4 (not RUSAGE_CHILDREN, which the server and
    earlier commands would pollute). Raises if it fails."""
    with tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(
            [str(stack.PYTHON), "manage.py", "cleartokens", "--quiet"],
            cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            raise RuntimeError("cleartokens failed: %s" % err.read().decode()[-2000:])
    peak_mb = usage.ru_maxrss / 1024  # Linux reports KiB
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb, 1)}


def sweep(conn: Any, n: int, first: int, setup: dict[str, Any]) -> dict[str, Any]:
    """Inserts ``n`` expired access tokens (and their refresh tokens), runs
    cleartokens, and checks that no dead row is left and live rows stay."""
    after = db.scalar(conn, "SELECT max(id) FROM %s" % db.AT)
    live_before = db.counts(conn)
    db.insert_access(
        conn, prefix="scale-x-", first=first, last=first + n - 1,
        app=setup["app"], user=setup["user"], live=False,
    )  # fmt: skip
    refresh = db.insert_refresh(conn, after_id=after)
    db.vacuum(conn)
    before = db.counts(conn)
    row = {"expired_access": n, "refresh_inserted": refresh, "before": before}
    row.update(cleartokens())
    row["after"] = after_counts = db.counts(conn)
    row["clean"] = (
        after_counts["access_dead"] == 0
        and after_counts["refresh_dead"] == 0
        and after_counts["access_total"] == live_before["access_total"]
        and after_counts["refresh_total"]
        == before["refresh_total"] - before["refresh_dead"]
    )
    return row


def main() -> int:
    setup = seed()
    auth = basic(setup["rs"]["client_id"], setup["rs"]["client_secret"])
    small = ["scale-%d" % i for i in range(1, WALK + 1)]
    spread = ["scale-%d" % i for i in random.Random(1).sample(range(1, BIG + 1), WALK)]
    phases: dict[str, dict[str, Any]] = {}
    live = {"app": setup["app"], "user": setup["user"], "live": True}
    with db.connect(PG) as conn:
        db.insert_access(conn, prefix="scale-", first=1, last=WALK, **live)
        db.vacuum(conn)
        with ExitStack() as cleanup:  # the server stops before cleartokens runs
            stack.keep(cleanup, lambda: stack.serve("authserver", ENV))
            phases["A"] = phase(conn, auth, small)
            started = time.monotonic()
            db.insert_access(conn, prefix="scale-", first=WALK + 1, last=BIG, **live)
            db.vacuum(conn)
            insert_s = round(time.monotonic() - started, 1)
            phases["B"] = {**phase(conn, auth, spread), "insert_s": insert_s}
            conn.execute("TRUNCATE %s, %s" % (db.AT, db.RT))
            db.insert_access(conn, prefix="scale-", first=1, last=WALK, **live)
            db.vacuum(conn)
            phases["A again"] = phase(conn, auth, small)
        sweeps = {"empty": {"expired_access": 0, **cleartokens()}}
        sweeps["100k"] = sweep(conn, BIG // 10, 10_000_001, setup)
        sweeps["1M"] = sweep(conn, BIG, 20_000_001, setup)
    # A, B, A again: B is judged against the mean of the runs either side of
    # it, and only when those two agree within 20% (else the machine was
    # too noisy for a 20% verdict, and the run says so).
    base = (phases["A"]["p99_ms"] + phases["A again"]["p99_ms"]) / 2
    ratio = phases["B"]["p99_ms"] / base
    noise = phases["A again"]["p99_ms"] / phases["A"]["p99_ms"]
    conclusive = 1 / 1.2 <= noise <= 1.2
    rss = sweeps["1M"]["peak_rss_mb"] / sweeps["100k"]["peak_rss_mb"]
    passed: dict[str, bool | None] = {
        # None: no verdict, the A runs either side of B disagreed.
        "introspection_p99_within_20pct": ratio <= 1.2 if conclusive else None,
        "cleartokens_1M_under_60s": sweeps["1M"]["seconds"] < 60,
        "cleartokens_constant_memory": rss <= 1.2,
        "cleartokens_left_no_dead_rows": all(
            s.get("clean", True) for s in sweeps.values()
        ),
    }
    report = {
        "machine": "%s, %d cores, Python %s"
        % (platform.machine(), os.cpu_count(), platform.python_version()),
        "server": "deploy/app-server (granian), production settings, PostgreSQL, Redis",
        "wrk": "-t2 -c32 -d10s x %d (median p99) after a 5 s warm-up, %d distinct live "
        "tokens" % (RUNS, WALK),
        "notes": "one server for A, B, A again (not restarted); lookup_*_us: "
        "the token_checksum index lookup alone, prepared, from the bench process",
        "introspection": phases,
        "p99_ratio_B_over_mean_A": round(ratio, 3),
        "p99_verdict_conclusive": conclusive,
        "p99_ratio_A_again_over_A": round(noise, 3),
        "cleartokens": sweeps,
        "peak_rss_ratio_1M_over_100k": round(rss, 3),
        "pass": passed,
    }
    out = ROOT / "bench" / "results" / "scale.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    head = ("phase", "rows", "req/s", "p50 ms", "p99 ms", "non-2xx", "lookup us")
    print("%-9s %9s %7s %7s %7s %7s %10s" % head)
    for name, row in phases.items():
        cells = (name, row["rows"], row["rps"], row["p50_ms"], row["p99_ms"])
        extra = (row["non_2xx"], row["lookup_mean_us"], row["lookup_p99_us"])
        print("%-9s %9d %7.0f %7.2f %7.2f %7d %4.0f/%-5.0f" % (cells + extra))
    print(
        "p99 B / mean(A, A again) %.2f; A again / A %.2f: %s"
        % (ratio, noise, "steady" if conclusive else "TOO NOISY, verdict void")
    )
    for name, row in sweeps.items():
        print(
            "cleartokens %-5s %8d expired: %6.2f s, peak RSS %6.1f MB"
            % (name, row["expired_access"], row["seconds"], row["peak_rss_mb"])
        )
    for name, ok in passed.items():
        print("%-32s %s" % (name, {True: "PASS", False: "FAIL"}.get(ok, "VOID")))
    return 1 if False in passed.values() else 0


if __name__ == "__main__":
    sys.exit(main())
