"""CORS for browser apps: preflights, and who may read which answer."""

from __future__ import annotations

import pytest

from oauth_grants.models import Client
from tests.factories import issue_user_token, make_client

pytestmark = pytest.mark.django_db

SPA = "https://spa.example.test"
OTHER = "https://other.example.test"


@pytest.fixture
def spa(db):
    return make_client(
        client_type=Client.CLIENT_PUBLIC,
        name="SPA",
        allowed_origins=[SPA, "http://127.0.0.1:5173"],
    )


@pytest.fixture
def other(db):
    return make_client(
        client_type=Client.CLIENT_PUBLIC, name="Other SPA", allowed_origins=[OTHER]
    )


def preflight(api, path: str, origin: str, method: str = "POST"):
    return api.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )


def assert_no_credentials(response) -> None:
    assert "Access-Control-Allow-Credentials" not in response
    assert "Origin" in response["Vary"]


@pytest.mark.parametrize("path", ["/oauth/token", "/oauth/revoke", "/oauth/userinfo"])
def test_preflight_is_answered_for_an_origin_some_client_allows(api, spa, path):
    response = preflight(api, path, SPA)
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == SPA
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Content-Type" in response["Access-Control-Allow-Headers"]
    assert_no_credentials(response)


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example.test", "null", SPA + ":8443", "http://spa.example.test"],
)
def test_preflight_from_an_unlisted_origin_gets_no_allow_origin(api, spa, origin):
    response = preflight(api, "/oauth/token", origin)
    assert "Access-Control-Allow-Origin" not in response
    assert_no_credentials(response)


def test_a_disabled_clients_origins_are_not_answered(api, spa):
    Client.objects.filter(pk=spa.client.pk).update(enabled=False)
    assert "Access-Control-Allow-Origin" not in preflight(api, "/oauth/token", SPA)


def test_token_response_is_readable_only_by_the_requesting_clients_origin(
    api, spa, other
):
    body = {"grant_type": "authorization_code", "code": "x" * 43}
    own = api.post(
        "/oauth/token", {**body, "client_id": spa.client_id}, HTTP_ORIGIN=SPA
    )
    assert own.status_code == 400
    assert own["Access-Control-Allow-Origin"] == SPA
    assert_no_credentials(own)
    # OTHER is allowed for another client, not for the one this request names.
    foreign = api.post(
        "/oauth/token", {**body, "client_id": spa.client_id}, HTTP_ORIGIN=OTHER
    )
    assert "Access-Control-Allow-Origin" not in foreign
    assert_no_credentials(foreign)


def test_revoke_answers_the_requesting_clients_origin(api, spa, other):
    data = {"token": "unknown", "client_id": spa.client_id}
    own = api.post("/oauth/revoke", data, HTTP_ORIGIN=SPA)
    assert own.status_code == 200
    assert own["Access-Control-Allow-Origin"] == SPA
    foreign = api.post("/oauth/revoke", data, HTTP_ORIGIN=OTHER)
    assert foreign.status_code == 200
    assert "Access-Control-Allow-Origin" not in foreign


def test_userinfo_answers_the_origin_of_the_tokens_client(browser, api, spa, other):
    token = issue_user_token(browser, api, spa, "openid profile")["access_token"]
    bearer = "Bearer " + token
    own = api.get("/oauth/userinfo", HTTP_AUTHORIZATION=bearer, HTTP_ORIGIN=SPA)
    assert own.status_code == 200
    assert own["Access-Control-Allow-Origin"] == SPA
    foreign = api.get("/oauth/userinfo", HTTP_AUTHORIZATION=bearer, HTTP_ORIGIN=OTHER)
    assert foreign.status_code == 200
    assert "Access-Control-Allow-Origin" not in foreign


@pytest.mark.parametrize(
    "path",
    [
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
        "/oauth/jwks",
    ],
)
def test_public_documents_may_be_read_from_any_origin(api, path):
    response = api.get(path, HTTP_ORIGIN="https://anyone.example.test")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert_no_credentials(response)
    pre = preflight(api, path, "https://anyone.example.test", method="GET")
    assert pre.status_code == 204
    assert pre["Access-Control-Allow-Origin"] == "*"


def test_requests_without_origin_are_unchanged(api, spa):
    response = api.options("/oauth/token")
    assert response.status_code == 405
    assert "Access-Control-Allow-Origin" not in response


def test_the_api_answers_the_origins_it_is_configured_for(api, settings):
    settings.RESOURCE_API = {**settings.RESOURCE_API, "CORS_ALLOWED_ORIGINS": [SPA]}
    allowed = preflight(api, "/api/v1/me", SPA, method="GET")
    assert allowed["Access-Control-Allow-Origin"] == SPA
    assert "Access-Control-Allow-Credentials" not in allowed
    refused = preflight(api, "/api/v1/me", OTHER, method="GET")
    assert "Access-Control-Allow-Origin" not in refused
    unauthenticated = api.get("/api/v1/me", HTTP_ORIGIN=SPA)
    assert unauthenticated.status_code == 401
    assert unauthenticated["Access-Control-Allow-Origin"] == SPA
    assert "WWW-Authenticate" in unauthenticated["Access-Control-Expose-Headers"]


def _count_queries(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries.captured_queries)


def test_a_browser_apps_refresh_loads_its_client_once(browser, api, spa):
    """The CORS answer reads the client the grant loaded; a cross-origin
    refresh costs the queries a same-origin one does."""
    first = issue_user_token(browser, api, spa, "profile")["refresh_token"]
    second = api.post(
        "/oauth/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": first,
            "client_id": spa.client_id,
        },
    ).json()["refresh_token"]
    responses = []

    def refresh(token: str, **origin: str):
        response = api.post(
            "/oauth/token",
            {
                "grant_type": "refresh_token",
                "refresh_token": token,
                "client_id": spa.client_id,
            },
            **origin,
        )
        responses.append(response)

    same_origin = _count_queries(lambda: refresh(second))
    third = responses[-1].json()["refresh_token"]
    cross_origin = _count_queries(lambda: refresh(third, HTTP_ORIGIN=SPA))
    assert [r.status_code for r in responses] == [200, 200]
    assert responses[-1]["Access-Control-Allow-Origin"] == SPA
    assert cross_origin == same_origin


def test_a_browser_apps_revocation_loads_its_client_once(api, spa):
    data = {"token": "unknown", "client_id": spa.client_id}
    same_origin = _count_queries(lambda: api.post("/oauth/revoke", data))
    responses = []
    cross_origin = _count_queries(
        lambda: responses.append(api.post("/oauth/revoke", data, HTTP_ORIGIN=SPA))
    )
    assert responses[0]["Access-Control-Allow-Origin"] == SPA
    assert cross_origin == same_origin
