"""Class-based views' decorators, applied once to the view function
(``oauth_grants/views/decorate.py``) instead of per request by
``method_decorator``: what each decorator promised still holds."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.views import View

from oauth_grants.views.decorate import decorate_view

pytestmark = pytest.mark.django_db


def test_decorators_wrap_the_view_function_once_not_on_every_request():
    applied: list[str] = []

    def tagging(name):
        def decorator(view):
            applied.append(name)

            def wrapped(request, *args, **kwargs):
                response = view(request, *args, **kwargs)
                response["X-Order"] = response.get("X-Order", "") + name
                return response

            return wrapped

        return decorator

    @decorate_view(tagging("outer"), tagging("inner"))
    class Hello(View):
        def get(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse("hello")

    view = Hello.as_view()
    responses = [view(RequestFactory().get("/")) for _ in range(3)]
    assert applied == ["inner", "outer"]  # once each, when the URL was made
    # Outermost first, as stacked method_decorators read: inner runs nearer
    # the view, so its mark comes first.
    assert [r["X-Order"] for r in responses] == ["innerouter"] * 3
    assert view.view_class is Hello  # the resolver's name for the view


@pytest.mark.parametrize(
    "path", ["/oauth/token", "/oauth/introspect", "/oauth/revoke", "/oauth/userinfo"]
)
def test_machine_endpoints_stay_csrf_exempt_for_a_signed_in_browser(user, path):
    # A browser with a session and no CSRF token: the endpoints answer with
    # their own OAuth errors, never CSRF's 403 page.
    strict = HttpClient(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post(path, {"token": "x"})
    assert response.status_code in (400, 401)
    assert response["Content-Type"] == "application/json"


def test_sign_out_and_authorization_pages_are_never_cached(browser, confidential):
    from tests.factories import Pkce, authorize_params, authorize_url

    pages = [
        browser.get(authorize_url(authorize_params(confidential, Pkce.new()))),
        browser.get("/oauth/logout"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"]
        # never_cache's Expires: the security headers middleware sets only
        # Cache-Control and Pragma on the OAuth endpoints.
        assert "Expires" in page
