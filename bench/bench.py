"""`make bench`: the production setup under wrk load, over loopback.

Recreates PostgreSQL database ``bench_authserver`` and flushes a Redis db
of its own (bench/stack.py), seeds it (bench/seed.py: clients, a token,
signed-in sessions, and enough single-use codes, refresh tokens and access
tokens for every request of the runs that use them), starts the application
server (``deploy/app-server``: granian, WSGI, production settings), and drives
each scenario from a separate wrk process (bench/wrk.py): a warm-up run,
discarded, then the measured run. The remote-introspection scenarios run
against a second ``deploy/app-server`` whose API introspects over HTTP at the
first; the peers, node-oidc-provider and stock django-oauth-toolkit (served
by the same granian command line as ours), run the same token and
introspection operations in the same run.

Prints a table, the ratios and the targets (bench/report.py) and
writes them with the machine, versions and command lines to
bench/results/latest.json. Queries per request come from
bench/query_counts.py (in-process, exact). Every process started here is
stopped on the way out, whatever happens (ExitStack, even on Ctrl-C).

Environment: see bench/stack.py ``Config``.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if sys.path[0] != str(ROOT):
    sys.path.insert(0, str(ROOT))

from bench import report, stack  # noqa: E402
from bench.measure import Bench  # noqa: E402
from bench.runs import run_gunicorn, run_ours, run_peers, run_remote  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "latest.json"


def query_counts(config: stack.Config) -> dict[str, int]:
    """Queries per request from bench/query_counts.py (its own process), on a
    PostgreSQL database of its own beside the bench's: the counts of the
    stack measured (on PostgreSQL a grant's writes are one statement); empty,
    with a warning, when it fails: the load runs do not depend on it."""
    url = config.own_database_url("queries")
    stack.reset_database(url)
    done = subprocess.run(
        [str(stack.PYTHON), str(ROOT / "bench" / "query_counts.py"), "--json"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        print("WARNING: bench/query_counts.py failed:\n%s" % done.stderr[-2000:])
        return {}
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(config: stack.Config, work: Path) -> dict[str, Any]:
    """Fresh database and cache, migrated, static files, seeded; return the
    seeded credentials (kept in memory and in ``work``, never printed)."""
    env = stack.app_env(config, config.port)
    stack.reset_database(config.database_url)
    stack.reset_cache(config.redis_url)
    stack.run_python(["manage.py", "migrate", "--noinput", "-v0"], env)
    stack.run_python(["manage.py", "collectstatic", "--noinput", "-v0"], env)
    stack.run_python(
        [
            "-m",
            "bench.seed",
            "seed",
            str(work),
            "--warmup",
            str(config.mint_count(config.warmup)),
            "--run",
            str(config.mint_count(config.duration)),
        ],
        env,
    )
    return json.loads((work / "secrets.json").read_text())


def main() -> int:
    """Run everything; return 0 (broken rows and missed targets are reported,
    not failures of the benchmark itself)."""
    # SIGTERM unwinds like Ctrl-C, so the ExitStack below stops everything.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    config = stack.Config.from_env()
    work = Path(tempfile.mkdtemp(prefix="authserver-bench-"))
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, work, ignore_errors=True)
        print("queries per request (bench/query_counts.py) ...", flush=True)
        bench = Bench(config, work, query_counts(config))
        print("database, cache and data ...", flush=True)
        data = prepare(config, work)
        env = stack.app_env(config, config.port)
        server = stack.keep(cleanup, lambda: stack.serve("authserver", env))
        ours = server.argv()
        print("%s: %s" % (server.name, shlex.join(ours)), flush=True)
        run_ours(bench, server, data)
        remote = run_remote(bench, cleanup, server, data)
        gunicorn = run_gunicorn(bench, cleanup, server, data)
        single_use = check_single_use(bench, env)
        run_peers(bench, cleanup, ours)
        versions = {**report.package_versions(), **stack.service_versions(config)}
    print()
    report.print_table(bench.rows)
    print("single-use check: %s" % json.dumps(single_use))
    if not all(single_use[key]["ok"] for key in ("code_exchange", "refresh")):
        print("WARNING: codes or refresh tokens were not each redeemed once")
    if config.only:
        print("BENCH_ONLY: a partial run, %s not written" % RESULTS.name)
        return 0
    report.write(
        RESULTS,
        report.document(
            bench.rows,
            machine=report.machine(),
            versions=versions,
            server={
                "command": shlex.join(ours),
                "remote_api_command": shlex.join(remote),
                "compared_with": shlex.join(gunicorn),
                "workers": config.workers,
                "threads_per_worker": config.web_threads,
                "launcher": "deploy/app-server",
            },
            duration=config.duration,
            warmup=config.warmup,
            connections=config.connections,
            threads=config.threads,
            single_use_check=single_use,
        ),
    )
    print("written: %s" % RESULTS.relative_to(ROOT))
    return 0


def check_single_use(bench: Bench, env: dict[str, str]) -> dict[str, Any]:
    """Compare what wrk sent with what the database redeemed and rotated.

    Every code and refresh token was sent at most once (bench/wrk.py); with
    no replay detected and every measured response 2xx, each measured
    request redeemed a distinct one.
    """
    counts = json.loads(stack.run_python(["-m", "bench.seed", "verify"], env))
    check: dict[str, Any] = {"replays_detected": counts["replays_detected"]}
    for key, stored in (
        ("code_exchange", "codes_redeemed"),
        ("refresh", "refresh_rotated"),
    ):
        row = bench.rows.get(key)
        sent = sum(r.items_used for r in (row.warmup, row.result) if r) if row else 0
        check[key] = {
            "sent_warmup_and_run": sent,
            "measured_2xx": (row.result.requests - row.result.non_2xx)
            if row and row.result
            else None,
            "in_database": counts[stored],
        }
        # Each 2xx redeemed one; nothing beyond what was sent was redeemed.
        check[key]["ok"] = (
            counts["replays_detected"] == 0
            and (check[key]["measured_2xx"] or 0) <= counts[stored] <= sent
        )
    return check


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted; everything the benchmark started is stopped")
        sys.exit(130)
