"""The person's language: ui_locales of the authorization request, then
Accept-Language; only en, de, fr, es; nothing sent to a client is translated."""

from __future__ import annotations

import pytest

from oauth_grants.models import Scope
from tests.factories import (
    Pkce,
    authorize_params,
    authorize_url,
    redirect_query,
)

pytestmark = pytest.mark.django_db


def test_ui_locales_chooses_the_sign_in_language(api, confidential):
    params = authorize_params(confidential, Pkce.new(), ui_locales="tlh de-AT fr")
    page = api.get(authorize_url(params), follow=True)
    html = page.content.decode()
    assert page.request["PATH_INFO"] == "/accounts/login/"
    assert '<html lang="de">' in html
    assert "Bei authserver anmelden" in html and "Passwort" in html
    assert page["Content-Language"] == "de"


def test_ui_locales_wins_over_accept_language(browser, confidential):
    params = authorize_params(confidential, Pkce.new(), ui_locales="es")
    page = browser.get(authorize_url(params), HTTP_ACCEPT_LANGUAGE="fr,de;q=0.8")
    html = page.content.decode()
    assert '<html lang="es">' in html
    assert "Test App quiere acceder a tu cuenta" in html
    assert "Permitir" in html and "Denegar" in html


def test_accept_language_without_ui_locales(browser, confidential):
    params = authorize_params(confidential, Pkce.new())
    html = browser.get(
        authorize_url(params), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Test App souhaite accéder à votre compte" in html


def test_the_answer_to_a_parked_request_keeps_its_language(browser, confidential):
    params = authorize_params(confidential, Pkce.new(), ui_locales="de")
    page = browser.get(authorize_url(params), HTTP_ACCEPT_LANGUAGE="en")
    confidential.client.enabled = False
    confidential.client.save()
    answer = browser.post(
        "/oauth/authorize",
        {"request_id": page.context["pending_id"], "decision": "approve"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    assert "Diese Anwendung ist nicht verfügbar." in answer.content.decode()


def test_unsupported_language_falls_back_to_english(browser, confidential):
    params = authorize_params(confidential, Pkce.new(), ui_locales="it")
    html = browser.get(
        authorize_url(params), HTTP_ACCEPT_LANGUAGE="it"
    ).content.decode()
    assert '<html lang="en">' in html
    assert "Test App wants to access your account" in html


def test_account_and_error_pages_follow_accept_language(browser, api):
    apps = browser.get("/account/apps/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Apps mit Zugriff auf dein Konto" in apps
    error = api.get("/oauth/authorize?client_id=nope", HTTP_ACCEPT_LANGUAGE="es")
    assert error.status_code == 400
    assert "Esta solicitud no se puede completar" in error.content.decode()


def test_error_description_sent_to_the_client_stays_english_ascii(
    browser, confidential
):
    params = authorize_params(
        confidential, Pkce.new(), ui_locales="fr", code_challenge_method="plain"
    )
    query = redirect_query(browser.get(authorize_url(params)))
    assert query["error"] == "invalid_request"
    assert query["error_description"] == "PKCE code_challenge_method must be S256."
    denied = browser.get(
        authorize_url(authorize_params(confidential, Pkce.new(), ui_locales="de"))
    )
    answer = browser.post(
        "/oauth/authorize",
        {"request_id": denied.context["pending_id"], "decision": "deny"},
    )
    description = redirect_query(answer)["error_description"]
    assert description == "The user denied the request." and description.isascii()


def test_an_admin_gives_a_scope_its_description_per_language(
    admin_client, browser, confidential
):
    scope = Scope.objects.get(name="profile")
    page = admin_client.get("/admin/oauth_grants/scope/%d/change/" % scope.pk)
    html = page.content.decode()
    for language in ("Deutsch", "Français", "Español"):
        assert "Description (%s)" % language in html
    saved = admin_client.post(
        "/admin/oauth_grants/scope/%d/change/" % scope.pk,
        {
            "description": "See your name, username and email address",
            "description_de": "Deinen Namen sehen",
            "description_fr": "",
            "description_es": "Ver tu nombre",
            "clientscope_set-TOTAL_FORMS": 0,
            "clientscope_set-INITIAL_FORMS": 0,
        },
    )
    assert saved.status_code == 302
    scope.refresh_from_db()
    assert scope.translations == {"de": "Deinen Namen sehen", "es": "Ver tu nombre"}
    url = authorize_url(authorize_params(confidential, Pkce.new()))
    assert (
        "Deinen Namen sehen"
        in browser.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    )
    # No French text: the default description.
    assert (
        "See your name, username and email address"
        in browser.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )


def test_machine_endpoints_and_the_admin_are_left_in_english(api, confidential):
    token = api.post(
        "/oauth/token",
        {"grant_type": "client_credentials", "scope": "profile"},
        HTTP_AUTHORIZATION=confidential.basic_auth(),
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert "Content-Language" not in token
    assert "Accept-Language" not in token.get("Vary", "")
    admin = api.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en"' in admin and "Benutzername" not in admin
