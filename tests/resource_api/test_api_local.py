"""Stages 7 and 8 in one deployment: the API introspects in-process."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from oauth_grants.models import AccessToken, Client
from oauth_grants.services import token_revoke
from resource_api.models import ApiOperation, Document
from resource_api.services import operation_scopes_set
from tests.factories import issue_client_token, issue_user_token, make_user

pytestmark = pytest.mark.django_db


def bearer(value: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Bearer " + value}


@pytest.fixture
def token(browser, api, confidential):
    scope = "profile documents:read documents:write"
    return issue_user_token(browser, api, confidential, scope)["access_token"]


@pytest.fixture
def read_only(browser, api, confidential):
    return issue_user_token(browser, api, confidential, "documents:read")[
        "access_token"
    ]


def test_me_returns_the_tokens_user(api, token, user):
    response = api.get("/api/v1/me", **bearer(token))
    assert response.status_code == 200
    assert response.json() == {
        "sub": str(user.pk),
        "username": "alice",
        "email": "alice@example.test",
        "name": "Alice",
    }


def test_no_token_is_401_with_a_bare_challenge(api):
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    # RFC 6750 §3.1: no error code without a token; RFC 9728 §5.1: where the
    # API's metadata is.
    assert response["WWW-Authenticate"] == (
        'Bearer realm="authserver", resource_metadata='
        '"http://testserver/.well-known/oauth-protected-resource/api/v1/"'
    )


@pytest.mark.parametrize(
    "header",
    [
        "Bearer nope",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer a b",
        "Bearer " + "x" * 600,
    ],
)
def test_bad_tokens_are_401_invalid_token(api, header):
    response = api.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert response.json()["error"] == "invalid_token"


def test_token_only_counts_in_the_header(api, token):
    assert api.get("/api/v1/me?access_token=" + token).status_code == 401
    response = api.post("/api/v1/documents/", {"access_token": token, "title": "x"})
    assert response.status_code == 401
    assert Document.objects.count() == 0


def test_insufficient_scope_is_403_naming_the_scope(api, read_only):
    response = api.get("/api/v1/me", **bearer(read_only))
    assert response.status_code == 403
    challenge = response["WWW-Authenticate"]
    assert 'error="insufficient_scope"' in challenge
    assert 'scope="profile"' in challenge
    assert response.json()["scope"] == "profile"


def test_read_scope_cannot_write(api, read_only):
    response = api.post("/api/v1/documents/", {"title": "x"}, **bearer(read_only))
    assert response.status_code == 403
    assert 'scope="documents:write"' in response["WWW-Authenticate"]
    assert Document.objects.count() == 0


def test_documents_crud(api, token, user):
    created = api.post(
        "/api/v1/documents/",
        {"title": "Plan", "body": "Step 1"},
        content_type="application/json",
        **bearer(token),
    )
    assert created.status_code == 201, created.content
    doc_id = created.json()["id"]
    assert Document.objects.get(pk=doc_id).owner_sub == str(user.pk)
    url = "/api/v1/documents/%d/" % doc_id
    assert api.get(url, **bearer(token)).json()["title"] == "Plan"
    put = api.put(
        url,
        {"title": "Plan B", "body": ""},
        content_type="application/json",
        **bearer(token),
    )
    assert put.status_code == 200 and put.json()["title"] == "Plan B"
    patch = api.patch(
        url, {"body": "new"}, content_type="application/json", **bearer(token)
    )
    assert patch.status_code == 200 and patch.json()["body"] == "new"
    assert api.delete(url, **bearer(token)).status_code == 204
    assert Document.objects.count() == 0


def test_lists_are_paginated_and_only_mine(api, token, user):
    Document.objects.bulk_create(
        [Document(owner_sub=str(user.pk), title="d%d" % i) for i in range(25)]
        + [Document(owner_sub="someone-else", title="theirs")]
    )
    page = api.get("/api/v1/documents/", **bearer(token)).json()
    assert page["count"] == 25
    assert len(page["results"]) == 20
    assert page["next"]
    assert all(d["title"] != "theirs" for d in page["results"])


def test_another_users_document_is_404(api, token, confidential):
    bob = make_user("bob")
    theirs = Document.objects.create(owner_sub=str(bob.pk), title="Bob's")
    url = "/api/v1/documents/%d/" % theirs.pk
    assert api.get(url, **bearer(token)).status_code == 404
    assert api.delete(url, **bearer(token)).status_code == 404
    response = api.patch(
        url, {"title": "mine now"}, content_type="application/json", **bearer(token)
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Bob's"


def test_client_credentials_token_reaches_no_per_user_operation(api, confidential):
    value = issue_client_token(api, confidential, "documents:read profile")[
        "access_token"
    ]
    for path in ("/api/v1/me", "/api/v1/documents/"):
        response = api.get(path, **bearer(value))
        assert response.status_code == 403
        assert "client-credentials" in response.json()["detail"]


def test_revoked_token_is_refused_on_the_next_request(api, token):
    assert api.get("/api/v1/me", **bearer(token)).status_code == 200
    token_revoke(token=AccessToken.objects.get(), via="test")
    response = api.get("/api/v1/me", **bearer(token))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_expired_token_is_refused(api, token):
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert api.get("/api/v1/me", **bearer(token)).status_code == 401


def test_disabled_clients_token_is_refused(api, token, confidential):
    Client.objects.filter(pk=confidential.client.pk).update(enabled=False)
    assert api.get("/api/v1/me", **bearer(token)).status_code == 401


def test_inactive_users_token_is_refused(api, token, user):
    user.is_active = False
    user.save()
    assert api.get("/api/v1/me", **bearer(token)).status_code == 401


def test_scope_mapping_is_data_an_admin_edits(api, read_only):
    assert api.get("/api/v1/me", **bearer(read_only)).status_code == 403
    operation = ApiOperation.objects.get(operation_id="me.read")
    operation_scopes_set(operation=operation, scopes=["profile", "documents:read"])
    assert api.get("/api/v1/me", **bearer(read_only)).status_code == 200


def test_operation_table_comes_from_the_api_itself():
    ids = set(ApiOperation.objects.values_list("operation_id", flat=True))
    assert ids == {
        "me.read",
        "documents.list",
        "documents.create",
        "documents.retrieve",
        "documents.update",
        "documents.partial_update",
        "documents.destroy",
    }


def test_protected_request_makes_at_most_one_query(
    api, token, django_assert_max_num_queries
):
    api.get("/api/v1/me", **bearer(token))  # warm the operation table cache
    with django_assert_max_num_queries(1):
        assert api.get("/api/v1/me", **bearer(token)).status_code == 200


def test_schema_names_scopes_per_operation():
    http = HttpClient()
    response = http.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert "oauth2" in schema["components"]["securitySchemes"]
    me = schema["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"oauth2": ["profile"]}]
    create = schema["paths"]["/api/v1/documents/"]["post"]
    assert create["security"] == [{"oauth2": ["documents:write"]}]


def test_docs_page_uses_only_our_static_files():
    response = HttpClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    assert "cdn" not in html.lower() and "https://" not in html


def test_me_answers_exactly_the_fields_its_serializer_declares(api, token):
    from resource_api.serializers import MeSerializer

    body = api.get("/api/v1/me", **bearer(token)).json()
    assert set(body) == set(MeSerializer().fields)
    assert all(isinstance(value, str) for value in body.values())


def test_the_api_answers_json_whatever_accept_asks(api, token):
    response = api.get("/api/v1/me", HTTP_ACCEPT="text/html", **bearer(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
