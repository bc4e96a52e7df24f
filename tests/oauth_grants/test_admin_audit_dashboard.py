"""The audit trail and the dashboard say whose, what and when, in words."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from oauth_grants.models import AccessToken, AuditEvent, RefreshToken
from oauth_grants.services import audit_record
from tests.factories import authorize_params, consent, issue_user_token

pytestmark = pytest.mark.django_db

SECOND_AND_ZONE = re.compile(r"\d{4}-\d\d-\d\d(?: |<br>)\d\d:\d\d:\d\d UTC")


def test_revoking_one_selected_token_says_its_refresh_token_went_too(
    admin_client, browser, api, confidential, user
):
    issue_user_token(browser, api, confidential, "profile")
    response = admin_client.post(
        "/admin/oauth_grants/accesstoken/",
        {
            "action": "revoke_selected",
            "_selected_action": [AccessToken.objects.get().pk],
        },
    )
    message = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == [
        "1 access token revoked; the refresh token issued with it went with it "
        "(2 tokens in all)."
    ]
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    again = admin_client.post(
        "/admin/oauth_grants/accesstoken/",
        {
            "action": "revoke_selected",
            "_selected_action": [AccessToken.objects.get().pk],
        },
    )
    assert [str(m) for m in get_messages(again.wsgi_request)][-1] == (
        "The selected tokens were already revoked: nothing changed."
    )


def test_an_admin_revocation_names_whose_tokens(
    admin_client, browser, api, confidential, user
):
    issue_user_token(browser, api, confidential, "profile")
    admin_client.post(
        "/admin/oauth_grants/refreshtoken/",
        {
            "action": "revoke_selected",
            "_selected_action": [RefreshToken.objects.get().pk],
        },
    )
    event = AuditEvent.objects.get(event=AuditEvent.Type.TOKEN_REVOKED)
    assert event.actor.username == "admin"
    assert event.client == confidential.client
    assert event.user == user
    assert event.detail["selected"] == 1 and event.detail["revoked"] == 2
    page = admin_client.get(
        "/admin/oauth_grants/auditevent/?event=token_revoked"
    ).content.decode()
    assert "client Test App · user alice" in page
    assert "2 tokens revoked (1 selected), via admin" in page


def test_audit_times_are_to_the_second_with_the_zone(admin_client, confidential):
    page = admin_client.get("/admin/oauth_grants/auditevent/").content.decode()
    assert SECOND_AND_ZONE.search(page)
    event = AuditEvent.objects.first()
    detail = admin_client.get(
        "/admin/oauth_grants/auditevent/%d/change/" % event.pk
    ).content.decode()
    assert SECOND_AND_ZONE.search(detail)


def test_a_denial_is_an_outcome_not_a_failure(
    admin_client, browser, confidential, pkce
):
    consent(browser, authorize_params(confidential, pkce), decision="deny")
    denied = AuditEvent.objects.get(event=AuditEvent.Type.CONSENT_DENIED)
    assert denied.outcome == AuditEvent.Outcome.DENIED
    audit_record(
        event=AuditEvent.Type.CLIENT_AUTH_FAILED,
        outcome=AuditEvent.Outcome.FAILURE,
        client_identifier="someone-guessing",
        remote_addr="203.0.113.9",
    )
    html = admin_client.get("/admin/").content.decode()
    failures = html[html.index('id="recent-failures"') :]
    assert "someone-guessing" in failures
    assert "Consent denied" not in failures
    listing = admin_client.get(
        "/admin/oauth_grants/auditevent/?outcome=denied"
    ).content.decode()
    assert "the person pressed Deny" in listing


def test_the_empty_chart_says_so(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "No tokens issued yet in the last 14 days." in html
    assert "<svg" not in html.split('id="oauth-dashboard"')[1].split("Recent")[0]


def test_the_chart_gives_its_numbers_as_text_with_months(
    admin_client, browser, api, confidential
):
    issue_user_token(browser, api, confidential, "profile")
    issue_user_token(browser, api, confidential, "profile")
    old = timezone.now() - timedelta(days=3)
    audit_record(event=AuditEvent.Type.TOKEN_ISSUED, client=confidential.client)
    AuditEvent.objects.filter(pk=AuditEvent.objects.first().pk).update(created=old)
    html = admin_client.get("/admin/").content.decode()
    today = timezone.localdate()
    assert "3 tokens issued from" in html
    table = html[html.index('id="issued-per-day"') :]
    assert "<td>%s</td><td>2</td>" % today.strftime("%a %-d %b %Y") in table
    three_days = (today - timedelta(days=3)).strftime("%a %-d %b %Y")
    assert "<td>%s</td><td>1</td>" % three_days in table
    # The chart's day labels carry the month.
    start = html.index('class="oauth-chart"')
    chart = html[start : html.index("</svg>", start)]
    first = today - timedelta(days=13)
    assert ">%s</text>" % first.strftime("%b") in chart
