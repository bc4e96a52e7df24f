"""Queries per request on the hot paths. Counts, never timings."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import (
    REDIRECT_URI,
    Pkce,
    authorize_params,
    authorize_url,
    issue_user_token,
    obtain_code,
)

pytestmark = pytest.mark.django_db


def most(postgresql: int, other: int) -> int:
    """On PostgreSQL a grant's writes are one statement (sql.insert_linked);
    elsewhere one statement per row."""
    return postgresql if connection.vendor == "postgresql" else other


def test_code_exchange_at_most_4_queries(
    browser, api, confidential, django_assert_max_num_queries
):
    pkce = Pkce.new()
    code = obtain_code(browser, confidential, pkce)
    # Client, scopes and the locked code in one; the code marked redeemed,
    # access token, refresh token and audit in one (elsewhere: four); and
    # the transaction's two ends.
    with django_assert_max_num_queries(most(4, 7)):
        response = api.post(
            "/oauth/token",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT_URI,
                "code_verifier": pkce.verifier,
            },
            HTTP_AUTHORIZATION=confidential.basic_auth(),
        )
    assert response.status_code == 200


def test_refresh_at_most_4_queries(
    browser, api, confidential, django_assert_max_num_queries
):
    token = issue_user_token(browser, api, confidential, "profile")
    # Client, scopes and the locked refresh token in one; the old refresh and
    # access tokens retired, the new ones and the audit row in one
    # (elsewhere: five); the two ends.
    with django_assert_max_num_queries(most(4, 8)):
        response = api.post(
            "/oauth/token",
            {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
            HTTP_AUTHORIZATION=confidential.basic_auth(),
        )
    assert response.status_code == 200


def test_client_credentials_at_most_2_queries(
    api, confidential, django_assert_max_num_queries
):
    # The client and its scopes; the token and its audit row in one
    # statement, its own transaction (elsewhere: two, in a transaction).
    with django_assert_max_num_queries(most(2, 5)):
        response = api.post(
            "/oauth/token",
            {"grant_type": "client_credentials", "scope": "profile"},
            HTTP_AUTHORIZATION=confidential.basic_auth(),
        )
    assert response.status_code == 200


def test_consent_page_at_most_5_queries(
    browser, confidential, django_assert_max_num_queries
):
    # The client with its scopes (the validator's, used again by the view);
    # the session and the person; their consent; the scopes' descriptions
    # with which ones the client requires, in one. It was 10: the client
    # loaded twice, the required scopes asked apart, and the session saved
    # with the parked request (BEGIN, UPDATE, COMMIT): now signed in the form.
    url = authorize_url(authorize_params(confidential, Pkce.new()))
    with django_assert_max_num_queries(5):
        response = browser.get(url)
    assert response.status_code == 200
    assert b'name="request_id"' in response.content
