"""The client form and the client admin's pages, as an admin reads them."""

from __future__ import annotations

import re

import pytest

from oauth_grants.admin_forms import duration_in_units, duration_text
from oauth_grants.models import AuditEvent, Client
from tests.oauth_grants.test_admin_console import client_form

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/oauth_grants/client/add/"


def _field_errors(html: str, field: str) -> str:
    """The text of the error list shown at ``field``'s row."""
    match = re.search(
        r'<div class="form-row[^"]*field-%s[^"]*">(.*?)</div>\s*</div>' % field,
        html,
        re.S,
    )
    assert match, field
    errors = re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', match.group(1), re.S)
    return errors.group(1) if errors else ""


def test_a_client_without_grant_types_is_refused_on_the_field(admin_client):
    data = client_form()
    del data["grant_types"]
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose at least one grant type" in _field_errors(html, "grant_types")
    assert Client.objects.count() == 0


def test_a_resource_server_may_have_no_grant_type(admin_client):
    data = client_form(is_resource_server="on", redirect_uris="")
    del data["grant_types"]
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 302
    assert Client.objects.get().is_resource_server


def test_the_banner_counts_every_error_message(admin_client):
    # Two messages, on two fields; and two on one field.
    two_fields = admin_client.post(
        ADD_URL,
        client_form(**{"redirect_uris": "", "access_token_lifetime_0": "0"}),
    ).content.decode()
    assert "Please correct the errors below." in two_fields
    one_field = admin_client.post(
        ADD_URL,
        client_form(redirect_uris="http://example.test/cb\nhttps://a.test/#x"),
    ).content.decode()
    assert one_field.count('<ul class="errorlist') >= 1
    assert "Please correct the errors below." in one_field
    assert "Please correct the error below." not in one_field


def test_no_view_on_site_link_and_no_view_site_link(admin_client, confidential):
    change_url = "/admin/oauth_grants/client/%d/change/" % confidential.client.pk
    html = admin_client.get(change_url).content.decode()
    assert "viewsitelink" not in html
    assert "View on site" not in html
    assert "View site" not in html
    # The old link, /admin/r/<content type>/<pk>/, was a 500: it leads to the
    # client's page now.
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Client)
    shortcut = admin_client.get("/admin/r/%d/%d/" % (ct.pk, confidential.client.pk))
    assert shortcut.status_code == 302
    assert shortcut["Location"].endswith(change_url)


def test_the_header_names_the_product(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "Django administration" not in html
    assert "authserver administration" in html
    assert "<title>OAuth clients, tokens and the audit trail | authserver admin" in html


def test_the_form_is_grouped_labelled_and_starts_confidential(admin_client):
    html = admin_client.get(ADD_URL).content.decode()
    headings = re.findall(r'<h2 id="fieldset-0-\d+-heading"[^>]*>([^<]+)</h2>', html)
    assert headings == [
        "Identity",
        "Redirects and origins",
        "Grants and scopes",
        "Token policy",
    ]
    # The allowed-scopes table sits with the grants, before the token policy.
    assert html.lower().index("allowed scopes") < html.index("Token policy")
    for label in ("Redirect URIs", "Homepage", "Resource server"):
        assert ">%s" % label in html, label
    for raw in ("Redirect uris", "Homepage url", "Is resource server"):
        assert raw not in html, raw
    assert "---------</option>" not in html.split("clientscope_set")[0]
    assert re.search(r'value="confidential"[^>]*checked', html)


def test_durations_are_shown_and_entered_in_human_units(admin_client):
    blank = admin_client.get(ADD_URL).content.decode()
    # A new client starts at the defaults: 1 hour, 30 days.
    assert re.search(r'name="access_token_lifetime_0" value="1"', blank)
    assert re.search(r'name="refresh_token_lifetime_0" value="30"', blank)
    response = admin_client.post(
        ADD_URL,
        client_form(
            access_token_lifetime_0="15",
            access_token_lifetime_1="minutes",
            refresh_token_lifetime_0="3",
            refresh_token_lifetime_1="days",
        ),
    )
    assert response.status_code == 302
    client = Client.objects.get()
    assert client.access_token_lifetime == 900
    assert client.refresh_token_lifetime == 259200
    html = admin_client.get(
        "/admin/oauth_grants/client/%d/change/" % client.pk
    ).content.decode()
    assert re.search(r'name="refresh_token_lifetime_0"[^>]*value="3"', html)
    assert re.search(r'<option value="days" selected>', html)
    assert re.search(r'name="access_token_lifetime_0"[^>]*value="15"', html)


@pytest.mark.parametrize(
    "amount, unit",
    [
        ("", "hours"),
        ("abc", "hours"),
        ("-3", "days"),
        ("2", "weeks"),
        ("9" * 12, "days"),
    ],
)
def test_bad_durations_are_refused_on_the_field(admin_client, amount, unit):
    response = admin_client.post(
        ADD_URL,
        client_form(access_token_lifetime_0=amount, access_token_lifetime_1=unit),
    )
    assert response.status_code == 200
    assert _field_errors(response.content.decode(), "access_token_lifetime")
    assert Client.objects.count() == 0


def test_duration_units_both_ways():
    assert duration_in_units(259200) == (3, "days")
    assert duration_in_units(5400) == (90, "minutes")
    assert duration_in_units(61) == (61, "seconds")
    assert duration_text(259200) == "3 days"
    assert duration_text(3600) == "1 hour"


def test_an_edit_is_audited_with_the_fields_and_scopes_it_changed(
    admin_client, confidential
):
    client = confidential.client
    url = "/admin/oauth_grants/client/%d/change/" % client.pk
    links = list(client.clientscope_set.order_by("pk"))
    data = client_form(
        name=client.name,
        grant_types=client.grant_types,
        redirect_uris="\n".join(client.redirect_uri_list),
        homepage_url="https://renamed.example.test",
        access_token_lifetime_0="2",
        access_token_lifetime_1="hours",
        **{
            "clientscope_set-TOTAL_FORMS": str(len(links)),
            "clientscope_set-INITIAL_FORMS": str(len(links)),
        },
    )
    del data["clientscope_set-0-scope"]
    for n, link in enumerate(links):
        data["clientscope_set-%d-id" % n] = str(link.pk)
        data["clientscope_set-%d-client" % n] = str(client.pk)
        data["clientscope_set-%d-scope" % n] = str(link.scope_id)
    data["clientscope_set-0-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.filter(event=AuditEvent.Type.CLIENT_CHANGED).get()
    assert event.actor.username == "admin"
    assert event.client == client
    assert "homepage_url" in event.detail["changed"]
    assert "access_token_lifetime" in event.detail["changed"]
    assert "name" not in event.detail["changed"]
    assert event.detail["scopes_removed"] == [links[0].scope.name]
    assert confidential.secret not in str(event.detail)
    page = admin_client.get(
        "/admin/oauth_grants/auditevent/%d/change/" % event.pk
    ).content.decode()
    assert "homepage" in page.lower()


@pytest.mark.parametrize("sent", [{}, {"_0": "", "_1": "days"}])
def test_the_absolute_lifetime_left_out_or_blank_keeps_its_value(admin_client, sent):
    data = client_form()
    data.update({"refresh_token_max_lifetime" + k: v for k, v in sent.items()})
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 302
    default = Client._meta.get_field("refresh_token_max_lifetime").default
    assert Client.objects.get().refresh_token_max_lifetime == default
