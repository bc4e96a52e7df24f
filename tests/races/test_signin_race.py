"""The sign-in limit holds exactly under concurrency (PostgreSQL, 4 workers).

Forty wrong passwords released together against a limit of five: exactly
five are checked (answered "wrong password"), the other thirty-five are
refused as locked without a check, and the right password after them is
refused too. A check-then-count lockout let eight through and the right
password in.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from oauth_grants.models import AuditEvent, SignInFailures
from tests.factories import make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]

GUESSES = 40
LIMIT = 5
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in_page(base: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(base + "/accounts/login/", timeout=30)
    return session, CSRF.search(page.text).group(1)


def answer(response: requests.Response) -> str:
    if response.status_code == 302:
        return "signed in"
    text = response.text
    if "Too many failed sign-in attempts" in text:
        return "locked"
    if "correct username and password" in text:
        return "wrong password"
    return "other %d" % response.status_code


def test_forty_simultaneous_guesses_get_exactly_the_limit(server):
    make_user("rita", "rita-password-42")
    pages = [sign_in_page(server) for _ in range(GUESSES)]
    barrier = threading.Barrier(GUESSES)

    def guess(index: int) -> str:
        session, token = pages[index]
        barrier.wait()
        return answer(
            session.post(
                server + "/accounts/login/",
                data={
                    "username": "rita",
                    "password": "guess-%d" % index,
                    "csrfmiddlewaretoken": token,
                },
                allow_redirects=False,
                timeout=60,
            )
        )

    with ThreadPoolExecutor(max_workers=GUESSES) as pool:
        answers = Counter(pool.map(guess, range(GUESSES)))

    assert answers == {"wrong password": LIMIT, "locked": GUESSES - LIMIT}, answers
    assert SignInFailures.objects.get(username_key="rita").failures == LIMIT
    assert AuditEvent.objects.filter(event=AuditEvent.Type.LOGIN_LOCKED).count() == 1

    session, token = sign_in_page(server)
    right = session.post(
        server + "/accounts/login/",
        data={
            "username": "rita",
            "password": "rita-password-42",
            "csrfmiddlewaretoken": token,
        },
        allow_redirects=False,
        timeout=30,
    )
    assert answer(right) == "locked"
