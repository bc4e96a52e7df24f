"""The apps as a wheel, installed into a fresh virtualenv, in projects of their own.

Project A holds both apps and runs the authorization code flow and a call to
the API (local introspection). Project B holds resource_api alone and
accepts A's token by introspecting remotely against A.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.factories import Pkce
from tests.live_http import authorize_query, login_and_consent
from tests.servers import ROOT, free_port, wait_until_up

pytestmark = pytest.mark.live
CALLBACK = "https://host-a-client.example.test/cb"

SETTINGS = """
from pathlib import Path
import os
BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "packaging-test-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [{apps}]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "hostproj.urls"
TEMPLATES = [{{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [BASE_DIR / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {{"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]}},
}}]
DATABASES = {{"default": {{
    "ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"
}}}}
STATIC_URL = "/static/"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
{extra}
"""

URLS_A = """
from django.contrib import admin
from django.urls import include, path
urlpatterns = [
    path("", include("oauth_grants.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("resource_api.urls")),
]
"""

URLS_B = """
from django.urls import include, path
urlpatterns = [path("api/v1/", include("resource_api.urls"))]
"""

LOGIN = """<form method="post">{% csrf_token %}
<input name="username"><input type="password" name="password">
<input type="hidden" name="next" value="{{ next }}">
<button type="submit">Sign in</button></form>
"""


def make_project(folder: Path, settings: str, urls: str) -> Path:
    (folder / "hostproj").mkdir(parents=True)
    (folder / "hostproj" / "__init__.py").write_text("")
    (folder / "hostproj" / "settings.py").write_text(settings)
    (folder / "hostproj" / "urls.py").write_text(urls)
    (folder / "templates" / "registration").mkdir(parents=True)
    (folder / "templates" / "registration" / "login.html").write_text(LOGIN)
    (folder / "manage.py").write_text(
        "import os, sys\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'hostproj.settings')\n"
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(sys.argv)\n"
    )
    return folder


@pytest.fixture(scope="module")
def venv_python(tmp_path_factory):
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("runs once, in the SQLite pass")
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            str(work),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(work.glob("authserver_apps-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
    python = work / "venv" / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    return python


def run(python: Path, project: Path, *args: str) -> str:
    result = subprocess.run(
        [str(python), "manage.py", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"]},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def serve(python: Path, project: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [str(python), "manage.py", "runserver", "--noreload", "127.0.0.1:%d" % port],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={"PATH": os.environ["PATH"]},
    )
    url = "http://127.0.0.1:%d" % port
    wait_until_up(url + "/api/v1/me", process)
    return process, url


def test_wheel_in_fresh_projects(venv_python, tmp_path):
    apps_a = ", ".join(
        repr(a)
        for a in [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "rest_framework",
            "oauth_grants",
            "oauth2_provider",
            "resource_api",
        ]
    )
    port_a = free_port()
    issuer = "http://127.0.0.1:%d" % port_a
    project_a = make_project(
        tmp_path / "a",
        SETTINGS.format(
            apps=apps_a,
            extra="from oauth_grants.presets import authserver_settings\n"
            "globals().update(authserver_settings(issuer=%r))\n" % issuer,
        ),
        URLS_A,
    )
    run(venv_python, project_a, "migrate", "--noinput")
    run(
        venv_python,
        project_a,
        "create_scope",
        "profile",
        "--description",
        "Your profile",
    )
    app = json.loads(
        run(
            venv_python,
            project_a,
            "create_client",
            "--name",
            "Host A App",
            "--type",
            "confidential",
            "--grant",
            "authorization_code",
            "--redirect-uri",
            CALLBACK,
            "--scope",
            "profile",
            "--json",
        )
    )
    rs = json.loads(
        run(
            venv_python,
            project_a,
            "create_client",
            "--name",
            "Host B",
            "--type",
            "confidential",
            "--resource-server",
            "--json",
        )
    )
    run(
        venv_python,
        project_a,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model as g; "
        "g().objects.create_user('mo', password='mo-password-42')",
    )

    server_a = subprocess.Popen(
        [
            str(venv_python),
            "manage.py",
            "runserver",
            "--noreload",
            "127.0.0.1:%d" % port_a,
        ],
        cwd=project_a,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={"PATH": os.environ["PATH"]},
    )
    server_b = None
    try:
        wait_until_up(issuer + "/api/v1/me", server_a)
        pkce = Pkce.new()
        query = authorize_query(
            app["client_id"], CALLBACK, pkce.challenge, "profile", "s"
        )
        callback = login_and_consent(
            issuer, issuer + "/oauth/authorize?" + query, "mo", "mo-password-42"
        )
        code = parse_qs(urlsplit(callback).query)["code"][0]
        tokens = requests.post(
            issuer + "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": CALLBACK,
                "code_verifier": pkce.verifier,
            },
            auth=(app["client_id"], app["client_secret"]),
            timeout=10,
        ).json()
        bearer = {"Authorization": "Bearer " + tokens["access_token"]}
        me_a = requests.get(issuer + "/api/v1/me", headers=bearer, timeout=10)
        assert me_a.status_code == 200 and me_a.json()["username"] == "mo"

        apps_b = ", ".join(
            repr(a)
            for a in [
                "django.contrib.auth",
                "django.contrib.contenttypes",
                "rest_framework",
                "resource_api",
            ]
        )
        project_b = make_project(
            tmp_path / "b",
            SETTINGS.format(
                apps=apps_b,
                extra="RESOURCE_API = %r\n"
                % {
                    "INTROSPECTION_BACKEND": "remote",
                    "INTROSPECTION_URL": issuer + "/oauth/introspect",
                    "CLIENT_ID": rs["client_id"],
                    "CLIENT_SECRET": rs["client_secret"],
                },
            ),
            URLS_B,
        )
        run(venv_python, project_b, "migrate", "--noinput")
        server_b, url_b = serve(venv_python, project_b)
        me_b = requests.get(url_b + "/api/v1/me", headers=bearer, timeout=10)
        assert me_b.status_code == 200, me_b.text
        assert me_b.json()["username"] == "mo"
        assert requests.get(url_b + "/api/v1/me", timeout=10).status_code == 401
    finally:
        for server in (server_a, server_b):
            if server is not None:
                server.terminate()
                server.wait(timeout=10)


def test_wheel_ships_type_markers(venv_python):
    """PEP 561: type checkers in a host project read both apps' annotations."""
    found = subprocess.run(
        [
            str(venv_python),
            "-c",
            "import importlib.util, pathlib\n"
            "for name in ('oauth_grants', 'resource_api'):\n"
            "    spec = importlib.util.find_spec(name)\n"
            "    folder = pathlib.Path(spec.submodule_search_locations[0])\n"
            "    print(name, (folder / 'py.typed').is_file())\n",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert found == ["oauth_grants", "True", "resource_api", "True"]
