"""Hostile input that used to get 5xx: deeply nested JSON at the API, a NUL
byte in a caller's client id at introspection and revocation. Each gets the
4xx the RFC names, never a 500 or a false "database unreachable" 503."""

from __future__ import annotations

import base64

import pytest

from resource_api.models import Document
from tests.factories import issue_user_token

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000
DEEPER = '{"title": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}"


@pytest.fixture
def writer_token(browser, api, confidential):
    tokens = issue_user_token(browser, api, confidential, "documents:write")
    return tokens["access_token"]


@pytest.mark.parametrize("body", [DEEP, DEEPER])
def test_deeply_nested_json_is_a_400_on_create(api, writer_token, body):
    response = api.post(
        "/api/v1/documents/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer " + writer_token,
    )
    assert response.status_code == 400
    assert not Document.objects.exists()


@pytest.mark.parametrize("body", [DEEP, DEEPER])
def test_deeply_nested_json_is_a_400_on_update(api, writer_token, user, body):
    document = Document.objects.create(
        owner_sub=str(user.pk), title="kept", body="as it was"
    )
    response = api.put(
        "/api/v1/documents/%d/" % document.pk,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer " + writer_token,
    )
    assert response.status_code == 400
    document.refresh_from_db()
    assert (document.title, document.body) == ("kept", "as it was")


def basic(client_id: str, secret: str) -> str:
    raw = ("%s:%s" % (client_id, secret)).encode()
    return "Basic " + base64.b64encode(raw).decode()


@pytest.mark.parametrize("path", ["/oauth/introspect", "/oauth/revoke"])
@pytest.mark.parametrize("where", ["basic", "body"])
def test_nul_in_the_callers_client_id_is_invalid_client(
    api, resource_server, path, where
):
    hostile = resource_server.client_id[:5] + "\x00" + resource_server.client_id[5:]
    if where == "basic":
        response = api.post(
            path,
            {"token": "whatever"},
            HTTP_AUTHORIZATION=basic(hostile, resource_server.secret),
        )
    else:
        response = api.post(
            path,
            {
                "token": "whatever",
                "client_id": hostile,
                "client_secret": resource_server.secret,
            },
        )
    assert response.status_code in (400, 401), response.content
    assert response.json()["error"] in ("invalid_client", "invalid_request")
