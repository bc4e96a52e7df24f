"""Queries per request on the hot paths (issue 7). Counts, never timings."""

from __future__ import annotations

import pytest

from tests.factories import REDIRECT_URI, Pkce, issue_user_token, obtain_code

pytestmark = pytest.mark.django_db


def test_code_exchange_at_most_7_queries(
    browser, api, confidential, django_assert_max_num_queries
):
    pkce = Pkce.new()
    code = obtain_code(browser, confidential, pkce)
    # Client, scopes and the locked code in one; the code marked redeemed;
    # access token, refresh token, audit; and the transaction's two ends.
    with django_assert_max_num_queries(7):
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


def test_refresh_at_most_8_queries(
    browser, api, confidential, django_assert_max_num_queries
):
    token = issue_user_token(browser, api, confidential, "profile")
    # Client, scopes and the locked refresh token in one; the old refresh and
    # access tokens retired; the new ones and the audit row; the two ends.
    with django_assert_max_num_queries(8):
        response = api.post(
            "/oauth/token",
            {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
            HTTP_AUTHORIZATION=confidential.basic_auth(),
        )
    assert response.status_code == 200


def test_client_credentials_at_most_5_queries(
    api, confidential, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        response = api.post(
            "/oauth/token",
            {"grant_type": "client_credentials", "scope": "profile"},
            HTTP_AUTHORIZATION=confidential.basic_auth(),
        )
    assert response.status_code == 200
