"""Smaller deployment holes: caching of a person's page, who reads the
settings page, demo data on a real deployment, DOT's createapplication."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client as HttpClient

from oauth_grants.models import Client
from tests.factories import make_scopes, make_user

pytestmark = pytest.mark.django_db


def test_authorized_apps_page_is_never_cached(browser):
    response = browser.get("/account/apps/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_staff_without_permissions_cannot_read_the_settings_page(admin_client):
    staff = make_user("stan", "stan-password-42")
    staff.is_staff = True
    staff.save()
    http = HttpClient()
    http.force_login(staff)
    assert http.get("/admin/oauth-settings/").status_code == 403
    assert admin_client.get("/admin/oauth-settings/").status_code == 200


def test_seed_demo_refuses_outside_debug(settings):
    settings.DEBUG = False
    admin = make_user("admin", "the-real-admin-password-42")
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
    admin.refresh_from_db()
    assert admin.check_password("the-real-admin-password-42")
    assert not Client.objects.exists()


def test_seed_demo_runs_when_forced(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert Client.objects.filter(name="Demo Web App").exists()


def test_createapplication_speaks_our_client_model():
    make_scopes()
    out = io.StringIO()
    call_command(
        "createapplication",
        "--name",
        "Via DOT's name",
        "--type",
        "confidential",
        "--grant",
        "client_credentials",
        "--scope",
        "profile",
        "--json",
        stdout=out,
    )
    client = Client.objects.get(client_id=json.loads(out.getvalue())["client_id"])
    assert client.allows_grant_type("client_credentials")
    assert client.allowed_scope_names() == frozenset({"profile"})
