"""Races against PostgreSQL and a 4-worker production server, requests released
together.

Asserted counts (issue 6): code race 50 rounds x 20 requests, refresh race
50 rounds x 20 requests, revoke-vs-refresh 20 rounds; 5xx seen: zero.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from oauth_grants.models import AccessToken, RefreshToken
from oauth_grants.selectors import access_token_active
from oauth_grants.tokens import token_digest
from tests.factories import REDIRECT_URI, Pkce, issue_user_token, obtain_code

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]

CONCURRENCY = 20
CODE_ROUNDS = 50
REFRESH_ROUNDS = 50
REVOKE_ROUNDS = 20


def burst(make_request, n: int = CONCURRENCY) -> list[requests.Response]:
    """Send n requests released together by a barrier."""
    barrier = threading.Barrier(n)

    def one(_index: int) -> requests.Response:
        session = requests.Session()
        barrier.wait()
        return make_request(session)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def test_one_code_redeemed_by_20_concurrent_requests(server, browser, confidential):
    seen: Counter[int] = Counter()
    for round_number in range(1, CODE_ROUNDS + 1):
        pkce = Pkce.new()
        code = obtain_code(browser, confidential, pkce)
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": pkce.verifier,
        }
        responses = burst(
            lambda s, data=data: s.post(
                server + "/oauth/token",
                data=data,
                auth=(confidential.client_id, confidential.secret),
                timeout=30,
            )
        )
        statuses = Counter(r.status_code for r in responses)
        seen.update(statuses)
        assert statuses[200] == 1, statuses
        assert statuses[400] == CONCURRENCY - 1, statuses
        assert {r.json()["error"] for r in responses if r.status_code == 400} == {
            "invalid_grant"
        }
        # No token rows beyond the winner's: one access token per round.
        assert AccessToken.objects.count() == round_number
        assert RefreshToken.objects.count() == round_number
    assert not [status for status in seen if status >= 500]
    assert seen[200] == CODE_ROUNDS


def refresh_call(server, registered, value):
    return lambda s: s.post(
        server + "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": value},
        auth=(registered.client_id, registered.secret),
        timeout=30,
    )


def test_one_refresh_token_used_by_20_concurrent_requests(
    server, browser, api, confidential
):
    seen: Counter[int] = Counter()
    for _round in range(REFRESH_ROUNDS):
        issued = issue_user_token(browser, api, confidential, "profile")
        family = RefreshToken.objects.get(
            token_checksum=token_digest(issued["refresh_token"])
        ).token_family
        responses = burst(refresh_call(server, confidential, issued["refresh_token"]))
        statuses = Counter(r.status_code for r in responses)
        seen.update(statuses)
        assert statuses[200] == 1, statuses
        assert statuses[400] == CONCURRENCY - 1, statuses
        assert {r.json()["error"] for r in responses if r.status_code == 400} == {
            "invalid_grant"
        }
        # The family never holds two live refresh tokens, and the losers'
        # retries inside the grace window did not revoke it.
        live = RefreshToken.objects.filter(token_family=family, revoked__isnull=True)
        assert live.count() == 1
        assert live.get().token_checksum == token_digest(
            next(r.json() for r in responses if r.status_code == 200)["refresh_token"]
        )
        # No token rows beyond the winner's: the original pair and one rotation.
        assert AccessToken.objects.filter(token_family=family).count() == 2
        assert RefreshToken.objects.filter(token_family=family).count() == 2
        winner = next(r.json() for r in responses if r.status_code == 200)
        # Every token in a 200 response works.
        assert access_token_active(value=winner["access_token"]) is not None
        again = requests.post(
            server + "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": winner["refresh_token"],
            },
            auth=(confidential.client_id, confidential.secret),
            timeout=30,
        )
        assert again.status_code == 200, again.text
    assert not [status for status in seen if status >= 500]
    assert seen[200] == REFRESH_ROUNDS


def test_revocation_racing_a_refresh_leaves_nothing_live(
    server, browser, api, confidential
):
    for _round in range(REVOKE_ROUNDS):
        issued = issue_user_token(browser, api, confidential, "profile")
        family = RefreshToken.objects.get(
            token_checksum=token_digest(issued["refresh_token"])
        ).token_family
        barrier = threading.Barrier(2)
        results: dict[str, requests.Response] = {}

        def do_refresh(barrier=barrier, results=results, value=issued["refresh_token"]):
            barrier.wait()
            results["refresh"] = refresh_call(server, confidential, value)(
                requests.Session()
            )

        def do_revoke(barrier=barrier, results=results, value=issued["refresh_token"]):
            barrier.wait()
            results["revoke"] = requests.post(
                server + "/oauth/revoke",
                data={"token": value},
                auth=(confidential.client_id, confidential.secret),
                timeout=30,
            )

        threads = [
            threading.Thread(target=do_refresh),
            threading.Thread(target=do_revoke),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results["revoke"].status_code == 200
        assert results["refresh"].status_code in (200, 400)
        assert not RefreshToken.objects.filter(
            token_family=family, revoked__isnull=True
        ).exists()
        assert not AccessToken.objects.filter(
            token_family=family, revoked__isnull=True
        ).exists()
        if results["refresh"].status_code == 200:
            value = results["refresh"].json()["access_token"]
            assert access_token_active(value=value) is None
