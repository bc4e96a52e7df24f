"""/account/apps/: a person's authorized apps and "Revoke access" (issue 5)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from oauth_grants.models import AccessToken, Consent, RefreshToken
from tests.factories import issue_user_token, make_client, make_user

pytestmark = pytest.mark.django_db


def test_lists_apps_with_scopes_and_dates(browser, api, confidential):
    issue_user_token(browser, api, confidential, "profile documents:read")
    page = browser.get("/account/apps/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Test App" in html
    assert "Read your documents" in html and "See your name" in html
    assert "Revoke access" in html


def test_revoke_access_revokes_consent_and_every_token(browser, api, confidential):
    issued = issue_user_token(browser, api, confidential, "profile")
    consent = Consent.objects.get()
    response = browser.post("/account/apps/%d/revoke" % consent.pk)
    assert response.status_code == 302
    assert not Consent.objects.exists()
    assert not AccessToken.objects.filter(revoked__isnull=True).exists()
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    bearer = {"HTTP_AUTHORIZATION": "Bearer " + issued["access_token"]}
    assert api.get("/api/v1/me", **bearer).status_code == 401


def test_cannot_revoke_someone_elses_consent(browser, api, confidential):
    mallory = make_user("mallory")
    other = make_client(name="Other App")
    theirs = HttpClient()
    theirs.force_login(mallory)
    issue_user_token(theirs, api, other, "profile")
    consent = Consent.objects.get(user=mallory)
    assert browser.post("/account/apps/%d/revoke" % consent.pk).status_code == 404
    assert Consent.objects.filter(pk=consent.pk).exists()


def test_needs_login(api, browser):
    assert api.get("/account/apps/").status_code == 302
    assert api.get("/account/apps/1/revoke").status_code == 302
    assert browser.get("/account/apps/1/revoke").status_code == 404
