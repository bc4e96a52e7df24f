"""/api/docs/: how to get a token, a working Authorize, one source for scopes."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient

from oauth_grants.models import Client, Scope
from tests.factories import Pkce, authorize_params, authorize_url, make_client

pytestmark = pytest.mark.django_db


# The docs served on loopback, where a plain-http redirect URI may be registered.
HOST = {"SERVER_NAME": "127.0.0.1"}
DOCS_REDIRECT = "http://127.0.0.1/api/docs/oauth2-redirect.html"


@pytest.fixture
def docs_client(settings, scopes):
    settings.RESOURCE_API = {**settings.RESOURCE_API, "DOCS_CLIENT_ID": "docs-test"}
    return make_client(
        client_type=Client.CLIENT_PUBLIC,
        name="API docs",
        redirect_uris=[DOCS_REDIRECT],
        client_id="docs-test",
    )


def docs_script(http: HttpClient, **headers: str) -> str:
    return http.get("/api/docs/?script=", **HOST, **headers).content.decode()


def test_docs_open_with_how_to_get_a_token(docs_client):
    html = HttpClient().get("/api/docs/").content.decode()
    intro = html.split('id="swagger-ui"')[0]
    assert "How to get a token" in intro
    assert "<code>docs-test</code>" in intro
    assert "authorization code with PKCE (S256)" in intro
    assert "<code>documents:write</code>" in intro
    assert "Create, change and delete your documents" in intro


def test_without_a_docs_client_the_page_says_to_register_one(scopes, settings):
    settings.RESOURCE_API = {**settings.RESOURCE_API, "DOCS_CLIENT_ID": ""}
    html = HttpClient().get("/api/docs/", **HOST).content.decode()
    assert "register a public client with the redirect URI" in html
    assert DOCS_REDIRECT in html
    assert '"clientId"' not in docs_script(HttpClient())


def test_authorize_button_uses_pkce_the_docs_client_and_the_docs_redirect(
    docs_client,
):
    script = docs_script(HttpClient())
    oauth = json.loads(re.search(r"ui\.initOAuth\((.*)\);", script, re.S).group(1))
    assert oauth["clientId"] == "docs-test"
    assert oauth["usePkceWithAuthorizationCodeGrant"] is True
    assert set(oauth["scopes"]) == {"profile", "documents:read", "documents:write"}
    settings = json.loads(
        re.search(r"const swaggerSettings = (.*?);\n", script, re.S).group(1)
    )
    assert settings["oauth2RedirectUrl"] == DOCS_REDIRECT
    # escapejs writes "=" as \u003D.
    assert 'url: "/api/schema/?format\\u003Djson"' in script


def test_the_redirect_page_is_swagger_uis_script_from_our_static_files():
    response = HttpClient().get("/api/docs/oauth2-redirect.html")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/'
        'oauth2-redirect.js"></script>'
    ) in html


def test_the_docs_redirect_is_a_registered_redirect_uri(docs_client):
    params = authorize_params(docs_client, Pkce.new())
    params["redirect_uri"] = DOCS_REDIRECT
    response = HttpClient().get(authorize_url(params))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_docs_and_consent_describe_a_scope_with_the_same_words(docs_client, browser):
    Scope.objects.filter(name="documents:read").update(
        description="Look at the documents you keep here",
        translations={"de": "Deine hier abgelegten Dokumente ansehen"},
    )
    schema = HttpClient().get("/api/schema/?format=json").json()
    flow = schema["components"]["securitySchemes"]["oauth2"]["flows"]
    scopes = flow["authorizationCode"]["scopes"]
    assert scopes["documents:read"] == "Look at the documents you keep here"
    assert flow["authorizationCode"]["authorizationUrl"] == (
        "http://testserver/oauth/authorize"
    )
    docs = HttpClient().get("/api/docs/").content.decode()
    assert "Look at the documents you keep here" in docs
    consent = browser.get(
        authorize_url(
            authorize_params(
                docs_client,
                Pkce.new(),
                scope="documents:read",
                redirect_uri=DOCS_REDIRECT,
            )
        )
    ).content.decode()
    assert "Look at the documents you keep here" in consent
    # In German, both in German.
    german = HttpClient().get("/api/docs/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Deine hier abgelegten Dokumente ansehen" in german
    german_schema = (
        HttpClient().get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="de").json()
    )
    german_scopes = german_schema["components"]["securitySchemes"]["oauth2"]["flows"][
        "authorizationCode"
    ]["scopes"]
    assert german_scopes["documents:read"] == "Deine hier abgelegten Dokumente ansehen"


def test_the_schema_link_shows_json_in_the_browser(scopes):
    # What Chromium sends when a link is followed.
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = HttpClient().get("/api/schema/?format=json", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "application/json"
    assert response["Content-Disposition"].startswith("inline")
    assert response.json()["openapi"].startswith("3.")


def test_seed_demo_registers_the_docs_client(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    settings.AUTHSERVER_ISSUER = "http://127.0.0.1"
    call_command("seed_demo", "--force", stdout=io.StringIO())
    docs = Client.objects.get(client_id="api-docs-demo")
    assert docs.client_type == Client.CLIENT_PUBLIC
    assert docs.redirect_uri_list == [DOCS_REDIRECT]
    assert docs.allows_grant_type("authorization_code")
    assert docs.allowed_scope_names() == {
        "profile",
        "documents:read",
        "documents:write",
    }
