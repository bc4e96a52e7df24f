"""Drive the login and consent pages over real HTTP, as a person's browser would."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

import requests

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REQUEST_ID_RE = re.compile(r'name="request_id" value="([^"]+)"')


def login_and_consent(
    base_url: str,
    authorize_url: str,
    username: str,
    password: str,
    scopes: list[str] | None = None,
    session: requests.Session | None = None,
) -> str:
    """Follow an authorize URL through login and consent; return the client redirect.

    The final redirect to the client's redirect URI is returned, not followed.
    """
    browser = session or requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    if (
        response.status_code == 302
        and "/accounts/login/" in response.headers["Location"]
    ):
        login_url = urljoin(base_url, response.headers["Location"])
        page = browser.get(login_url, timeout=10)
        token = CSRF_RE.search(page.text).group(1)
        next_url = html.unescape(
            re.search(r'name="next" value="([^"]*)"', page.text).group(1)
        )
        done = browser.post(
            login_url,
            data={
                "csrfmiddlewaretoken": token,
                "username": username,
                "password": password,
                "next": next_url,
            },
            allow_redirects=False,
            timeout=10,
        )
        assert done.status_code == 302, done.text[:500]
        response = browser.get(
            urljoin(base_url, done.headers["Location"]),
            allow_redirects=False,
            timeout=10,
        )
    if response.status_code == 302:
        return response.headers["Location"]
    assert response.status_code == 200, response.text[:500]
    form = {
        "csrfmiddlewaretoken": CSRF_RE.search(response.text).group(1),
        "request_id": REQUEST_ID_RE.search(response.text).group(1),
        "decision": "approve",
    }
    if scopes is not None:
        form["scope"] = scopes
    else:
        form["scope"] = [
            html.unescape(v)
            for v in re.findall(r'name="scope" value="([^"]+)"', response.text)
        ]
    answer = browser.post(
        urljoin(base_url, "/oauth/authorize"),
        data=form,
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def sign_in(page: object, username: str, password: str) -> None:
    """In a Playwright page on the sign-in form: fill it and send it."""
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def authorize_query(
    client_id: str, redirect_uri: str, code_challenge: str, scope: str, state: str
) -> str:
    """The query string of an authorization request with PKCE S256."""
    from urllib.parse import urlencode

    return urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
    )
