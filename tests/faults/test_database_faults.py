"""The database stops, or stalls, under a live multi-worker server.

The test owns its PostgreSQL (initdb + pg_ctl on its own port and folder),
so it can stop and start it. Asserted: while it is down, token and
introspection endpoints answer 503 temporarily_unavailable, the API 503,
HTML pages a plain 503 page, never a 500; nothing half-written; after it
returns, every request succeeds (connection health checks). A held table
lock makes requests fail fast (lock_timeout) instead of hanging.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest
import requests

from tests.servers import ROOT, base_env, free_port, serve

pytestmark = pytest.mark.live
BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class PrivatePostgres:
    def __init__(self) -> None:
        self.bin = Path(BINS[-1])
        self.dir = tempfile.mkdtemp(prefix="authserver-pg-")
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(
            as_postgres(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    self.dir + "/data",
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self.url = "postgres://postgres@127.0.0.1:%d/postgres" % self.port

    def start(self) -> None:
        subprocess.run(
            as_postgres(
                [
                    str(self.bin / "pg_ctl"),
                    "-D",
                    self.dir + "/data",
                    "-w",
                    "-l",
                    self.dir + "/log",
                    "-o",
                    "-p %d -k %s -c listen_addresses=127.0.0.1" % (self.port, self.dir),
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        subprocess.run(
            as_postgres(
                [
                    str(self.bin / "pg_ctl"),
                    "-D",
                    self.dir + "/data",
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ]
            ),
            check=False,
            capture_output=True,
        )

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_postgres():
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("runs once, in the SQLite pass: it brings its own PostgreSQL")
    if not BINS:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are needed for the fault tests")
        pytest.skip("no PostgreSQL server binaries")
    pg = PrivatePostgres()
    pg.start()
    yield pg
    pg.remove()


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(Path(ROOT) / ".venv/bin/python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def seeded(pg: PrivatePostgres) -> tuple[dict[str, str], dict, dict]:
    env = base_env(
        DATABASE_URL=pg.url,
        DATABASE_LOCK_TIMEOUT_MS="500",
        DATABASE_STATEMENT_TIMEOUT_MS="2000",
        DATABASE_CONNECT_TIMEOUT_S="2",
        DJANGO_SUPERUSER_PASSWORD="kim-password-42",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "create_scope", "profile", "--description", "Your profile")
    app = json.loads(
        manage(
            env,
            "create_client",
            "--name",
            "Fault App",
            "--type",
            "confidential",
            "--grant",
            "client_credentials",
            "--scope",
            "profile",
            "--json",
        )
    )
    rs = json.loads(
        manage(
            env,
            "create_client",
            "--name",
            "Fault RS",
            "--type",
            "confidential",
            "--resource-server",
            "--json",
        )
    )
    manage(
        env, "createsuperuser", "--noinput", "--username", "kim", "--email", "k@x.test"
    )
    return env, app, rs


def count_tokens(env: dict[str, str]) -> int:
    code = "from oauth_grants.models import AccessToken as T; print(T.objects.count())"
    out = manage(env, "shell", "-c", code)
    return int(out.strip().splitlines()[-1])


def test_database_outage_is_503_and_recovery_is_clean(private_postgres):
    env, app, rs = seeded(private_postgres)
    ok_tokens = 0
    with serve(env, workers=2) as base:

        def token():
            return requests.post(
                base + "/oauth/token",
                data={"grant_type": "client_credentials", "scope": "profile"},
                auth=(app["client_id"], app["client_secret"]),
                timeout=15,
            )

        browser = requests.Session()
        page = browser.get(base + "/accounts/login/", timeout=10)
        csrf = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        login = browser.post(
            base + "/accounts/login/",
            data={
                "csrfmiddlewaretoken": csrf,
                "username": "kim",
                "password": "kim-password-42",
            },
            allow_redirects=False,
            timeout=10,
        )
        assert login.status_code == 302
        for _ in range(20):
            assert token().status_code == 200
            ok_tokens += 1
        access = token().json()["access_token"]
        ok_tokens += 1

        private_postgres.stop()
        during = [token() for _ in range(10)]
        assert {r.status_code for r in during} == {503}
        assert {r.json()["error"] for r in during} == {"temporarily_unavailable"}
        introspection = requests.post(
            base + "/oauth/introspect",
            data={"token": access},
            auth=(rs["client_id"], rs["client_secret"]),
            timeout=15,
        )
        assert introspection.status_code == 503
        assert introspection.json()["error"] == "temporarily_unavailable"
        api = requests.get(
            base + "/api/v1/me",
            headers={"Authorization": "Bearer " + access},
            timeout=15,
        )
        assert api.status_code == 503
        html = browser.get(base + "/account/apps/", timeout=15)
        assert html.status_code == 503
        assert "Temporarily unavailable" in html.text

        private_postgres.start()
        after = [token() for _ in range(30)]
        assert [r.status_code for r in after] == [200] * 30
        ok_tokens += 30
        assert (
            requests.post(
                base + "/oauth/introspect",
                data={"token": access},
                auth=(rs["client_id"], rs["client_secret"]),
                timeout=15,
            ).json()["active"]
            is True
        )
    # Nothing half-written: exactly one row per 200 answer.
    assert count_tokens(env) == ok_tokens


def test_a_locked_table_fails_fast_instead_of_hanging(private_postgres):
    env, app, rs = seeded(private_postgres)
    with serve(env, workers=2) as base:
        holder = psycopg.connect(
            private_postgres.url.replace("postgres://", "postgresql://")
        )
        try:
            holder.execute(
                "LOCK TABLE oauth_grants_accesstoken IN ACCESS EXCLUSIVE MODE"
            )
            stalled = requests.post(
                base + "/oauth/token",
                data={"grant_type": "client_credentials", "scope": "profile"},
                auth=(app["client_id"], app["client_secret"]),
                timeout=10,  # a hang raises ReadTimeout: fail, not wait
            )
            assert stalled.status_code == 503
            assert stalled.json()["error"] == "temporarily_unavailable"
        finally:
            holder.rollback()
            holder.close()
        recovered = requests.post(
            base + "/oauth/token",
            data={"grant_type": "client_credentials", "scope": "profile"},
            auth=(app["client_id"], app["client_secret"]),
            timeout=10,
        )
        assert recovered.status_code == 200
