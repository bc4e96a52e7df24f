"""`make bench`: the production server under load from wrk, over loopback.

Starts gunicorn with deploy/gunicorn.conf.py and production settings against
PostgreSQL (database bench_authserver, recreated) and Redis (db 7), seeds a
client, a resource server and tokens, drives each scenario with wrk from a
separate process, stops everything, prints a table and writes
bench/results/latest.json. Queries per request come from
bench/query_counts.py (in-process, exact).

Covered: a bare Django JSON view on the same server and settings (/healthz,
the ceiling), client_credentials issuance, introspection, and GET
/api/v1/me with local introspection.
"""

from __future__ import annotations

import base64
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432/bench_authserver")
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")
PORT = int(os.environ.get("BENCH_PORT", "8765"))


def env() -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": "bench-only-secret-key",
        "AUTHSERVER_ISSUER": "http://127.0.0.1:%d" % PORT,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE": "0",  # plain HTTP on loopback, asked for by name
        "DATABASE_URL": PG,
        "REDIS_URL": "redis://127.0.0.1:6379/7",
        "AUTHSERVER_RATE_LIMIT_PER_ADDRESS": "1000000000",
        "AUTHSERVER_RATE_LIMIT_PER_CLIENT": "1000000000",
        "ACCESS_LOG_LEVEL": "WARNING",
        "LOG_LEVEL": "WARNING",
        "BIND": "127.0.0.1:%d" % PORT,
    }


def manage(*args: str) -> str:
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def seed() -> dict[str, str]:
    name = PG.rsplit("/", 1)[1]
    admin = PG.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(
        ["psql", admin, "-qc", "DROP DATABASE IF EXISTS %s" % name], check=True
    )
    subprocess.run(["psql", admin, "-qc", "CREATE DATABASE %s" % name], check=True)
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput", "-v0")
    manage("create_scope", "profile", "--description", "Your profile")
    app = json.loads(
        manage(
            "create_client",
            "--name",
            "Bench App",
            "--type",
            "confidential",
            "--grant",
            "client_credentials",
            "--grant",
            "authorization_code",
            "--redirect-uri",
            "https://bench.example.test/cb",
            "--scope",
            "profile",
            "--json",
        )
    )
    rs = json.loads(
        manage(
            "create_client",
            "--name",
            "Bench RS",
            "--type",
            "confidential",
            "--resource-server",
            "--json",
        )
    )
    token = (
        manage(
            "shell",
            "-c",
            "from datetime import timedelta; from django.utils import timezone;"
            "from django.contrib.auth import get_user_model as g;"
            "from oauth_grants.models import AccessToken, Client;"
            "from oauth_grants.tokens import generate_token, token_digest;"
            "u = g().objects.create_user('bench', email='b@x.test');"
            "v = generate_token();"
            "c = Client.objects.get(name='Bench App');"
            "AccessToken.objects.create(user=u, application=c, scope='profile',"
            " expires=timezone.now() + timedelta(hours=2), token='',"
            " token_checksum=token_digest(v));"
            "print(v)",
        )
        .strip()
        .splitlines()[-1]
    )
    return {"app": app, "rs": rs, "token": token}


def basic(client: dict[str, str]) -> str:
    raw = "%s:%s" % (client["client_id"], client["client_secret"])
    return "Basic " + base64.b64encode(raw.encode()).decode()


def lua(method: str, body: str, headers: dict[str, str]) -> str:
    lines = ['wrk.method = "%s"' % method]
    if body:
        lines.append("wrk.body = %s" % json.dumps(body))
        lines.append(
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"'
        )
    for key, value in headers.items():
        lines.append("wrk.headers[%s] = %s" % (json.dumps(key), json.dumps(value)))
    return "\n".join(lines) + "\n"


def wrk(path: str, script: str) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c" + CONNECTIONS,
            "-d" + DURATION,
            "--latency",
            "-s",
            handle.name,
            "http://127.0.0.1:%d%s" % (PORT, path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        match = re.search(r"%s\s+([\d.]+)(us|ms|s)" % label, out)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": ms("50%"),
        "p99_ms": ms("99%"),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
    }


def worker_rss_mb(master: int) -> float:
    peak = 0.0
    children = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True
    ).stdout.split()
    for pid in children:
        status = Path("/proc/%s/status" % pid).read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peak = max(peak, int(match.group(1)) / 1024)
    return round(peak, 1)


def main() -> None:
    data = seed()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "deploy/gunicorn.conf.py",
            "authserver.wsgi:application",
        ],
        cwd=ROOT,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)
        scenarios = {
            "bare Django JSON view (/healthz)": ("/healthz", lua("GET", "", {})),
            "client_credentials": (
                "/oauth/token",
                lua(
                    "POST",
                    "grant_type=client_credentials&scope=profile",
                    {"Authorization": basic(data["app"])},
                ),
            ),
            "introspection": (
                "/oauth/introspect",
                lua(
                    "POST",
                    "token=" + data["token"],
                    {"Authorization": basic(data["rs"])},
                ),
            ),
            "GET /api/v1/me (local introspection)": (
                "/api/v1/me",
                lua("GET", "", {"Authorization": "Bearer " + data["token"]}),
            ),
        }
        results = {}
        for name, (path, script) in scenarios.items():
            wrk(path, script)  # warm-up pass, discarded
            results[name] = wrk(path, script)
        rss = worker_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)
    ceiling = results["bare Django JSON view (/healthz)"]["rps"]
    report = {
        "machine": "%s, %d cores, Python %s"
        % (platform.machine(), os.cpu_count(), platform.python_version()),
        "server": "gunicorn sync, deploy/gunicorn.conf.py; PostgreSQL; Redis cache",
        "duration": DURATION,
        "connections": int(CONNECTIONS),
        "peak_rss_per_worker_mb": rss,
        "results": results,
    }
    (ROOT / "bench" / "results" / "latest.json").write_text(
        json.dumps(report, indent=2) + "\n"
    )
    print(
        "%-40s %10s %8s %8s %8s %7s"
        % ("scenario", "req/s", "p50 ms", "p99 ms", "% bare", "non-2xx")
    )
    for name, row in results.items():
        print(
            "%-40s %10.0f %8.2f %8.2f %7.0f%% %7d"
            % (
                name,
                row["rps"],
                row["p50_ms"],
                row["p99_ms"],
                100 * row["rps"] / ceiling,
                row["non_2xx"],
            )
        )
    print("peak RSS per worker: %.1f MB" % rss)


if __name__ == "__main__":
    sys.exit(main())
