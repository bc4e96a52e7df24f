"""Sign-in, consent and account pages as a first-time person meets them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client as HttpClient

from oauth_grants.models import AccessToken, Client, Consent, Scope
from tests.factories import (
    Pkce,
    authorize_params,
    authorize_url,
    consent,
    issue_user_token,
    make_client,
    make_user,
    redirect_query,
)
from tests.oauth_grants.test_admin_console import client_form

pytestmark = pytest.mark.django_db


def test_sign_in_names_the_app_and_the_product(api, confidential, settings):
    settings.AUTHSERVER = {**settings.AUTHSERVER, "SITE_NAME": "Acme Accounts"}
    params = authorize_params(confidential, Pkce.new())
    login = api.get(authorize_url(params), follow=True)
    html = login.content.decode()
    assert login.request["PATH_INFO"] == "/accounts/login/"
    assert "Sign in to Acme Accounts" in html
    assert "to continue to <strong>Test App</strong>" in html


def test_sign_in_alone_names_no_app(api, confidential):
    html = api.get("/accounts/login/?next=/account/apps/").content.decode()
    assert "continue to" not in html
    html = api.get(
        "/accounts/login/?next=https://evil.example/oauth/authorize"
        "?client_id=%s" % confidential.client_id
    ).content.decode()
    assert "Test App" not in html


def test_consent_shows_the_account_and_a_way_to_use_another(browser, confidential):
    params = authorize_params(confidential, Pkce.new())
    page = browser.get(authorize_url(params))
    html = page.content.decode()
    assert "Signed in as <strong>alice@example.test</strong>" in html
    assert "Use another account" in html
    # Using another account: sign out, sign in as bob, back to the same request.
    make_user("bob", "bob-password-42")
    out = browser.post(
        "/accounts/logout/", {"next": page.context["switch_account_next"]}
    )
    assert out.status_code == 302
    login_url = out["Location"]
    assert urlsplit(login_url).path == "/accounts/login/"
    signed_in = browser.post(
        login_url,
        {
            "username": "bob",
            "password": "bob-password-42",
            "next": parse_qs(urlsplit(login_url).query)["next"][0],
        },
        follow=True,
    )
    assert signed_in.status_code == 200
    assert (
        "Signed in as <strong>bob@example.test</strong>" in signed_in.content.decode()
    )
    answer = browser.post(
        "/oauth/authorize",
        {
            "request_id": signed_in.context["pending_id"],
            "decision": "approve",
            "scope": ["profile"],
        },
    )
    assert redirect_query(answer)["state"] == params["state"]
    assert Consent.objects.get().user.username == "bob"


def test_consent_links_homepage_privacy_policy_and_terms(browser):
    app = make_client(
        name="Photo Printer",
        homepage_url="https://printer.example.test",
        privacy_policy_uri="https://printer.example.test/privacy",
        terms_of_service_uri="https://printer.example.test/terms",
    )
    html = browser.get(
        authorize_url(authorize_params(app, Pkce.new()))
    ).content.decode()
    assert 'href="https://printer.example.test"' in html
    assert 'href="https://printer.example.test/privacy"' in html
    assert "Photo Printer's privacy policy" in html
    assert 'href="https://printer.example.test/terms"' in html
    assert "Photo Printer's terms of service" in html


def test_consent_without_policy_links_shows_none(browser, confidential):
    html = browser.get(
        authorize_url(authorize_params(confidential, Pkce.new()))
    ).content.decode()
    assert "privacy policy" not in html and "terms of service" not in html


def test_consent_says_scopes_can_be_unticked(browser, confidential):
    html = browser.get(
        authorize_url(authorize_params(confidential, Pkce.new()))
    ).content.decode()
    assert "Untick anything you do not want to share" in html


def test_a_declined_scope_comes_back_unticked(browser, confidential):
    scope = "profile documents:read"
    params = authorize_params(confidential, Pkce.new(), scope=scope)
    redirect_query(consent(browser, params, scopes=["documents:read"]))
    assert Consent.objects.get().declined_scopes == ["profile"]
    again = browser.get(
        authorize_url(authorize_params(confidential, Pkce.new(), scope=scope))
    )
    assert again.status_code == 200
    ticked = {s["name"]: s["checked"] for s in again.context["scopes"]}
    assert ticked == {"profile": False, "documents:read": True}
    html = again.content.decode()
    assert 'value="profile">' in html and 'value="documents:read" checked>' in html
    # Approved this time: no longer declined.
    answer = browser.post(
        "/oauth/authorize",
        {
            "request_id": again.context["pending_id"],
            "decision": "approve",
            "scope": ["profile", "documents:read"],
        },
    )
    redirect_query(answer)
    row = Consent.objects.get()
    assert row.declined_scopes == [] and set(row.scopes) == set(scope.split())


@pytest.mark.parametrize(
    "uri",
    ["http://printer.example.test/privacy", "javascript:alert(1)", "ftp://x.test/p"],
)
def test_policy_links_must_be_https(uri, scopes):
    with pytest.raises(CommandError) as failure:
        call_command(
            "create_client",
            "--name",
            "X",
            "--type",
            "confidential",
            "--grant",
            "client_credentials",
            "--privacy-policy-uri",
            uri,
        )
    assert "privacy_policy_uri" in str(failure.value)
    assert not Client.objects.exists()


def test_create_client_stores_policy_links(scopes, capsys):
    call_command(
        "create_client",
        "--name",
        "Printer",
        "--type",
        "confidential",
        "--grant",
        "client_credentials",
        "--privacy-policy-uri",
        "https://p.example.test/privacy",
        "--terms-of-service-uri",
        "http://127.0.0.1:9000/terms",
    )
    client = Client.objects.get()
    assert client.privacy_policy_uri == "https://p.example.test/privacy"
    assert client.terms_of_service_uri == "http://127.0.0.1:9000/terms"


def test_admin_form_takes_policy_links_and_refuses_http(admin_client, scopes):
    form = client_form(
        privacy_policy_uri="http://p.example.test/privacy",
        terms_of_service_uri="https://p.example.test/terms",
    )
    refused = admin_client.post("/admin/oauth_grants/client/add/", form)
    assert refused.status_code == 200
    assert "Use an https address" in refused.content.decode()
    assert not Client.objects.exists()
    form["privacy_policy_uri"] = "https://p.example.test/privacy"
    admin_client.post("/admin/oauth_grants/client/add/", form)
    client = Client.objects.get()
    assert client.privacy_policy_uri == "https://p.example.test/privacy"
    assert client.terms_of_service_uri == "https://p.example.test/terms"


def test_account_apps_says_when_an_app_was_last_used(browser, api, confidential):
    issue_user_token(browser, api, confidential, "profile")
    html = browser.get("/account/apps/").content.decode()
    assert "Not used again since" not in html
    created = AccessToken.objects.get().created
    assert "Last used %s" % created.strftime("%Y-%m-%d %H:%M") in html


def test_account_apps_never_used_says_so(browser, confidential, user):
    Consent.objects.create(user=user, client=confidential.client, scope="profile")
    html = browser.get("/account/apps/").content.decode()
    assert "Not used since access was granted" in html


def test_revoke_access_asks_first(browser, api, confidential):
    issued = issue_user_token(browser, api, confidential, "profile")
    row = Consent.objects.get()
    listing = browser.get("/account/apps/").content.decode()
    assert 'href="/account/apps/%d/revoke"' % row.pk in listing
    confirm = browser.get("/account/apps/%d/revoke" % row.pk)
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Revoke access for Test App?" in html
    assert "See your name, username and email address" in html
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html
    # Looking is not revoking.
    assert Consent.objects.filter(pk=row.pk).exists()
    bearer = {"HTTP_AUTHORIZATION": "Bearer " + issued["access_token"]}
    assert api.get("/api/v1/me", **bearer).status_code == 200


def test_revoke_without_csrf_token_is_refused(user, api, confidential):
    strict = HttpClient(enforce_csrf_checks=True)
    strict.force_login(user)
    Consent.objects.create(user=user, client=confidential.client, scope="profile")
    row = Consent.objects.get()
    assert strict.post("/account/apps/%d/revoke" % row.pk).status_code == 403
    assert Consent.objects.filter(pk=row.pk).exists()


def test_scope_description_in_the_persons_language(browser, confidential):
    Scope.objects.filter(name="profile").update(
        translations={"de": "Deinen Namen, Benutzernamen und deine E-Mail sehen"}
    )
    url = authorize_url(
        authorize_params(confidential, Pkce.new(), scope="profile documents:read")
    )
    german = browser.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Deinen Namen, Benutzernamen und deine E-Mail sehen" in german
    # No German text for documents:read: the default description.
    assert "Read your documents" in german
    french = browser.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "See your name, username and email address" in french
