"""The admin's walk in Chromium: register and edit a client, and axe on every page.

Screenshots of each step land in tests/artifacts/ at 1280 and 390 px.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.test import RequestFactory
from django.urls import reverse

from oauth_grants.models import AuditEvent, Client
from oauth_grants.services import audit_record
from tests.browser.axe import axe_violations, describe_violations
from tests.factories import make_client, make_scopes, make_user

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
ADMIN_NAME, ADMIN_PASSWORD = "root", "root-pass-42"


def _sign_in(page: Any, base: str) -> None:
    page.goto(base + "/admin/login/")
    page.fill("#id_username", ADMIN_NAME)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#content")


def _superuser() -> Any:
    return get_user_model().objects.create_superuser(
        ADMIN_NAME, "root@example.test", ADMIN_PASSWORD
    )


def _shots(page: Any, artifacts: Any, name: str) -> None:
    """The page as it is, at both widths (the viewport comes back after)."""
    size = page.viewport_size
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(
            path=str(artifacts / ("admin-%s-%s.png" % (name, label))), full_page=True
        )
    page.set_viewport_size(size)


def test_admin_registers_and_edits_a_client(live_server, new_page, artifacts):
    make_scopes()
    _superuser()
    base = live_server.url
    page = new_page()
    _sign_in(page, base)

    page.goto(base + "/admin/oauth_grants/client/add/")
    page.fill("#id_name", "Walk App")
    page.check("input[name=grant_types][value=authorization_code]")
    page.fill("#id_redirect_uris", "https://walk.example.test/cb")
    page.select_option("#id_clientscope_set-0-scope", label="profile")
    page.fill("#id_access_token_lifetime_0", "15")
    page.select_option("#id_access_token_lifetime_1", "minutes")
    _shots(page, artifacts, "client-add")
    page.click("input[name=_save]")

    page.wait_for_selector("#client-secret")
    assert re.search(r"/admin/oauth_grants/client/secret/[\w-]+/$", page.url)
    secret = page.inner_text("#client-secret").strip()
    _shots(page, artifacts, "secret-once")
    client = Client.objects.get()
    assert client.access_token_lifetime == 900
    assert check_password(secret, client.client_secret)

    # A reload is a GET of the one-time page: no second client, no secret.
    page.reload()
    assert page.inner_text("#secret-gone")
    assert secret not in page.content()
    assert Client.objects.count() == 1
    _shots(page, artifacts, "secret-gone")

    # Regenerate, continue, then Back: the secret stays the one just shown.
    page.goto(base + "/admin/oauth_grants/client/%d/regenerate-secret/" % client.pk)
    page.click("#confirm-regenerate")
    page.wait_for_selector("#client-secret")
    regenerated = page.inner_text("#client-secret").strip()
    page.click("#secret-stored")
    page.wait_for_url("**/client/%d/change/" % client.pk)
    page.go_back()
    page.wait_for_selector("#secret-gone")
    assert regenerated not in page.content()
    page.go_back()
    page.wait_for_load_state()
    client.refresh_from_db()
    assert check_password(regenerated, client.client_secret)
    assert Client.objects.count() == 1
    assert (
        AuditEvent.objects.filter(event=AuditEvent.Type.SECRET_REGENERATED).count() == 1
    )

    # Edit: a lifetime in hours and a second scope.
    page.goto(base + "/admin/oauth_grants/client/%d/change/" % client.pk)
    page.fill("#id_access_token_lifetime_0", "2")
    page.select_option("#id_access_token_lifetime_1", "hours")
    page.select_option("#id_clientscope_set-1-scope", label="email")
    _shots(page, artifacts, "client-change")
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist")
    client.refresh_from_db()
    assert client.access_token_lifetime == 7200
    assert client.allowed_scope_names() == {"profile", "email"}
    _shots(page, artifacts, "client-list")

    page.goto(base + "/admin/oauth_grants/auditevent/")
    row = page.inner_text("#result_list tbody tr:first-child")
    assert "access token lifetime" in row and "scopes added: email" in row
    _shots(page, artifacts, "audit-list")


def _admin_urls(superuser: Any) -> list[str]:
    """Every admin list, add form and change form that has a row to show."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    urls = [reverse("admin:index"), reverse("oauth_grants:oauth-effective-settings")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:%s_%s_changelist" % info))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:%s_%s_add" % info))
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            urls.append(reverse("admin:%s_%s_change" % info, args=[row.pk]))
    return urls


def _seed_every_kind_of_row() -> Client:
    from tests.factories import issue_user_token

    registered = make_client(name="Seeded App", scopes=["profile", "email"])
    user = make_user("erin", "erin-password-42")
    from django.test import Client as HttpClient

    person, api = HttpClient(), HttpClient()
    person.force_login(user)
    issue_user_token(person, api, registered, "profile")
    audit_record(
        event=AuditEvent.Type.CLIENT_AUTH_FAILED,
        outcome=AuditEvent.Outcome.FAILURE,
        client_identifier="a-client-id-someone-guessed-at-length",
        remote_addr="2001:db8:85a3::8a2e:370:7334",
    )
    return registered.client


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_admin_page_has_no_serious_accessibility_violation(
    live_server, new_page, artifacts, scheme, capsys
):
    superuser = _superuser()
    client = _seed_every_kind_of_row()
    base = live_server.url
    urls = _admin_urls(superuser)
    found: dict[str, list[dict]] = {}
    checked = 0
    for label, (width, height) in WIDTHS.items():
        page = new_page(width, height, bypass_csp=True, color_scheme=scheme)
        _sign_in(page, base)
        for url in urls:
            response = page.goto(base + url)
            assert response.status < 400, url
            found[url + " " + label] = axe_violations(page)
            checked += 1
        # The secret page, shown once, then its reload.
        page.goto(base + "/admin/oauth_grants/client/%d/regenerate-secret/" % client.pk)
        found["regenerate confirm " + label] = axe_violations(page)
        page.click("#confirm-regenerate")
        page.wait_for_selector("#client-secret")
        found["secret page " + label] = axe_violations(page)
        page.reload()
        page.wait_for_selector("#secret-gone")
        found["secret already shown " + label] = axe_violations(page)
        checked += 3
        for name, url in (
            ("dashboard", "/admin/"),
            ("client-list", "/admin/oauth_grants/client/"),
            ("token-list", "/admin/oauth_grants/accesstoken/"),
            ("audit-list", "/admin/oauth_grants/auditevent/"),
        ):
            page.goto(base + url)
            if label == "desktop" and name != "dashboard":
                # Every column in view beside the filters: no sideways scroll.
                overflow = page.evaluate(
                    """() => {
                        const box = document.querySelector("#changelist .results");
                        return box.scrollWidth - box.clientWidth;
                    }"""
                )
                assert overflow <= 0, "%s scrolls sideways at 1280 px" % url
            page.screenshot(
                path=str(artifacts / ("admin-%s-%s-%s.png" % (name, scheme, label))),
                full_page=True,
            )
    failing = {where: v for where, v in found.items() if v}
    total = sum(len(node["nodes"]) for v in found.values() for node in v)
    with capsys.disabled():  # in the CI log, not only on failure
        print(
            "\naxe-core (%s): %d admin pages checked, %d serious or critical "
            "violations" % (scheme, checked, total)
        )
    assert not failing, "\n".join(
        "%s\n%s" % (where, describe_violations(v)) for where, v in failing.items()
    )
