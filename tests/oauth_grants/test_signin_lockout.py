"""Sign-in lockout: every way in, per account, throttled per address.

What a person or an attacker sees at the sign-in pages: the account's lock
holds at /admin/login/ as at /accounts/login/ and for any page that calls
authenticate(); one address never locks other people's accounts.
"""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import authenticate
from django.test import Client as HttpClient
from django.test import RequestFactory

from oauth_grants.lockout import KNOWN_DEVICE_COOKIE
from oauth_grants.models import AuditEvent, SignInFailures
from oauth_grants.views.login import AUTH_TIME_SESSION_KEY
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-in attempts. Try again in 15 minutes"
THROTTLED = "Too many failed sign-in attempts from your network"
WRONG = "correct username and password"


def sign_in(http: HttpClient, path: str, username: str, password: str, **extra):
    return http.post(path, {"username": username, "password": password}, **extra)


def signed_in(http: HttpClient) -> bool:
    return "_auth_user_id" in http.session


def throttle_address(address: str, path: str, victim: str, password: str) -> None:
    """An attacker at ``address`` fails three times (the tests' limit) with
    made-up names; then even the victim's right password is throttled there."""
    attacker = HttpClient(REMOTE_ADDR=address)
    for name in ("a", "b", "c"):
        sign_in(attacker, path, name, "x")
    page = sign_in(attacker, path, victim, password)
    assert THROTTLED in page.content.decode()
    assert not signed_in(attacker)


@pytest.fixture
def staff(db):
    user = make_user("sam", "sam-password-42")
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return user


def test_account_locked_at_accounts_login_is_locked_at_admin_login(staff):
    http = HttpClient()
    for _ in range(5):
        page = sign_in(http, "/accounts/login/", "sam", "wrong")
        assert WRONG in page.content.decode()
    page = sign_in(http, "/admin/login/", "sam", "sam-password-42")
    assert page.status_code == 200
    assert LOCKED in page.content.decode()
    assert not signed_in(http)


def test_wrong_guesses_at_admin_login_lock_the_account(staff):
    http = HttpClient()
    answers = [
        sign_in(http, "/admin/login/", "sam", "guess-%d" % n).content.decode()
        for n in range(30)
    ]
    assert sum(WRONG in a for a in answers[:5]) == 5
    assert all(LOCKED in a for a in answers[5:])
    # Exactly five passwords were checked: the limit.
    assert SignInFailures.objects.get(username_key="sam").failures == 5
    assert AuditEvent.objects.filter(event=AuditEvent.Type.LOGIN_LOCKED).count() == 1
    page = sign_in(HttpClient(), "/accounts/login/", "sam", "sam-password-42")
    assert LOCKED in page.content.decode()


def test_a_page_that_calls_authenticate_counts_and_honours_the_lock(db):
    """A host project's own sign-in page goes through Django's authenticate()."""
    make_user("hana", "hana-password-42")
    request = RequestFactory().post("/host/sign-in/")
    for _ in range(5):
        assert authenticate(request, username="hana", password="nope") is None
    assert authenticate(request, username="hana", password="hana-password-42") is None
    assert getattr(request, "authserver_signin_refusal", None) == "locked"
    fresh = RequestFactory().post("/host/sign-in/", REMOTE_ADDR="192.0.2.77")
    assert authenticate(fresh, username="hana", password="hana-password-42") is None


def test_success_starts_the_count_again(db):
    make_user("omar", "omar-password-42")
    http = HttpClient()
    for _ in range(4):
        sign_in(http, "/accounts/login/", "omar", "wrong")
    assert sign_in(http, "/accounts/login/", "omar", "omar-password-42").status_code
    assert signed_in(http)
    assert SignInFailures.objects.get(username_key="omar").failures == 0


def test_lock_is_by_account_name_whatever_its_case(db):
    make_user("Kim", "kim-password-42")
    http = HttpClient()
    for name in ("kim", "KIM", "Kim", "kIm", "kiM"):
        sign_in(http, "/accounts/login/", name, "wrong")
    page = sign_in(http, "/accounts/login/", "Kim", "kim-password-42")
    assert LOCKED in page.content.decode()


def test_twenty_failures_from_one_address_lock_no_one_else(db):
    """Everyone behind a company NAT shares an address."""
    make_user("zoe", "zoe-password-42")
    attacker = HttpClient(REMOTE_ADDR="198.51.100.20")
    for n in range(20):
        sign_in(attacker, "/accounts/login/", "user%d" % n, "wrong")
    colleague = HttpClient(REMOTE_ADDR="198.51.100.20")
    response = sign_in(colleague, "/accounts/login/", "zoe", "zoe-password-42")
    assert response.status_code == 302
    assert signed_in(colleague)


def test_address_throttle_slows_a_spray_but_locks_no_account(settings):
    settings.AUTHSERVER = {**settings.AUTHSERVER, "LOGIN_MAX_FAILURES_PER_ADDRESS": 3}
    make_user("ada", "ada-password-42")
    # Ada signed in from her own browser before: it carries a known-device cookie.
    ada_browser = HttpClient(REMOTE_ADDR="203.0.113.5")
    assert (
        sign_in(ada_browser, "/accounts/login/", "ada", "ada-password-42").status_code
        == 302
    )
    assert KNOWN_DEVICE_COOKIE in ada_browser.cookies
    ada_browser.post("/accounts/logout/")

    throttle_address("203.0.113.5", "/accounts/login/", "ada", "ada-password-42")

    # Ada's own browser at the same address, and Ada anywhere else, still sign in.
    assert (
        sign_in(ada_browser, "/accounts/login/", "ada", "ada-password-42").status_code
        == 302
    )
    elsewhere = HttpClient(REMOTE_ADDR="192.0.2.9")
    assert (
        sign_in(elsewhere, "/accounts/login/", "ada", "ada-password-42").status_code
        == 302
    )
    # The throttle counted no failure against any account.
    assert not SignInFailures.objects.filter(
        username_key="ada", failures__gt=0
    ).exists()


def test_known_device_cookie_is_for_its_account_only(settings):
    settings.AUTHSERVER = {**settings.AUTHSERVER, "LOGIN_MAX_FAILURES_PER_ADDRESS": 2}
    make_user("bo", "bo-password-42")
    make_user("cy", "cy-password-42")
    browser = HttpClient(REMOTE_ADDR="203.0.113.8")
    sign_in(browser, "/accounts/login/", "bo", "bo-password-42")
    browser.post("/accounts/logout/")
    for name in ("x", "y"):
        sign_in(browser, "/accounts/login/", name, "wrong")
    page = sign_in(browser, "/accounts/login/", "cy", "cy-password-42")
    assert THROTTLED in page.content.decode()
    browser.cookies[KNOWN_DEVICE_COOKIE] = "forged:value"
    page = sign_in(browser, "/accounts/login/", "bo", "bo-password-42")
    assert THROTTLED in page.content.decode()


def test_admin_unlock_and_the_user_list_shows_who_is_locked(admin_client):
    user = make_user("ivy", "ivy-password-42")
    make_user("eve", "eve-password-42")
    http = HttpClient()
    for _ in range(5):
        sign_in(http, "/accounts/login/", "ivy", "wrong")

    listing = admin_client.get("/admin/auth/user/?sign_in=locked")
    rows = [obj.username for obj in listing.context["cl"].result_list]
    assert rows == ["ivy"]
    listing = admin_client.get("/admin/auth/user/?sign_in=open")
    assert "ivy" not in [obj.username for obj in listing.context["cl"].result_list]

    admin_client.post(
        "/admin/auth/user/", {"action": "unlock_sign_in", "_selected_action": [user.pk]}
    )
    assert (
        sign_in(http, "/accounts/login/", "ivy", "ivy-password-42").status_code == 302
    )


def test_hostile_account_names_are_refused_cleanly(db):
    http = HttpClient()
    for name in ("a\x00b", "x" * 5000, "\u202e\u0000"):
        page = sign_in(http, "/accounts/login/", name, "pw")
        assert page.status_code == 200


def test_cleartokens_prunes_counts_whose_window_ended(db):
    import io
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    SignInFailures.objects.create(
        username_key="old",
        failures=3,
        window_started=timezone.now() - timedelta(hours=1),
    )
    SignInFailures.objects.create(username_key="fresh", failures=3)
    call_command("cleartokens", stdout=io.StringIO())
    assert list(SignInFailures.objects.values_list("username_key", flat=True)) == [
        "fresh"
    ]


def test_admin_sign_in_remembers_the_browser_like_the_sign_in_page(staff, settings):
    """/admin/login/ sets what /accounts/login/ sets: the known-device cookie
    (so a throttled address does not shut the admin out) and the session's
    auth_time (the age OpenID's max_age is measured against)."""
    settings.AUTHSERVER = {**settings.AUTHSERVER, "LOGIN_MAX_FAILURES_PER_ADDRESS": 3}
    admin_browser = HttpClient(REMOTE_ADDR="203.0.113.7")
    before = int(time.time())
    response = sign_in(admin_browser, "/admin/login/", "sam", "sam-password-42")
    assert response.status_code == 302
    assert KNOWN_DEVICE_COOKIE in response.cookies
    assert before <= admin_browser.session[AUTH_TIME_SESSION_KEY] <= time.time()
    admin_browser.post("/admin/logout/")

    throttle_address("203.0.113.7", "/admin/login/", "sam", "sam-password-42")

    response = sign_in(admin_browser, "/admin/login/", "sam", "sam-password-42")
    assert response.status_code == 302
    assert signed_in(admin_browser)


def test_a_refused_admin_sign_in_remembers_nothing(staff):
    http = HttpClient()
    page = sign_in(http, "/admin/login/", "sam", "wrong")
    assert page.status_code == 200
    assert KNOWN_DEVICE_COOKIE not in page.cookies
    assert AUTH_TIME_SESSION_KEY not in http.session
