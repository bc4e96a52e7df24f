"""The hand-written SQL (oauth_grants/lookups.py, sql.py) agrees with the ORM.

Each case sets up one token state with the ORM, then asks both the ORM
filter the lookup replaced and the lookup itself.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from oauth_grants.models import (
    AccessToken,
    AuditEvent,
    ClientScope,
    Consent,
    RefreshToken,
    Scope,
)
from oauth_grants.page_lookups import consent_of, scopes_for_consent, user_by_pk
from oauth_grants.selectors import access_token_active, introspection_lookup
from oauth_grants.sql import FIRST_PK, RowUpdate, WithFirstPk, insert_linked, insert_row
from oauth_grants.tokens import generate_token, token_digest

pytestmark = pytest.mark.django_db


def orm_live(value: str) -> AccessToken | None:
    token = (
        AccessToken.objects.select_related("application", "user")
        .filter(
            token_checksum=token_digest(value),
            revoked__isnull=True,
            expires__gt=timezone.now(),
            application__enabled=True,
        )
        .first()
    )
    if token is not None and token.user is not None and not token.user.is_active:
        return None
    return token


def make_token(client, user, **changes) -> str:
    value = generate_token()
    fields = {
        "user": user,
        "application": client,
        "scope": "profile documents:read",
        "expires": timezone.now() + timedelta(hours=1),
        "token": "",
        "token_checksum": token_digest(value),
        **changes,
    }
    AccessToken.objects.create(**fields)
    return value


def states(confidential, user):
    now = timezone.now()
    return {
        "live": make_token(confidential.client, user),
        "client_credentials": make_token(confidential.client, None),
        "revoked": make_token(confidential.client, user, revoked=now),
        "expired": make_token(
            confidential.client, user, expires=now - timedelta(seconds=1)
        ),
    }


def assert_same(value: str) -> None:
    expected = orm_live(value)
    found = access_token_active(value=value)
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert found.pk == expected.pk
    assert found.scope == expected.scope
    assert found.expires == expected.expires
    assert found.created == expected.created
    assert found.client_id == expected.application.client_id
    if expected.user is None:
        assert found.user is None
    else:
        assert found.user.pk == expected.user.pk
        assert found.user.get_username() == expected.user.get_username()
        assert found.user.get_full_name() == expected.user.get_full_name()
        assert found.user.email == expected.user.email


def test_every_token_state_matches_the_orm(confidential, user):
    user.first_name, user.last_name = "Alice", "Liddell"
    user.save()
    values = states(confidential, user)
    for value in values.values():
        assert_same(value)
    assert access_token_active(value=values["live"]) is not None
    assert access_token_active(value=values["client_credentials"]).user is None
    assert access_token_active(value=values["revoked"]) is None
    assert access_token_active(value=values["expired"]) is None


def test_disabled_client_and_inactive_user_match_the_orm(confidential, user):
    value = make_token(confidential.client, user)
    user.is_active = False
    user.save()
    assert_same(value)
    assert access_token_active(value=value) is None
    user.is_active = True
    user.save()
    confidential.client.enabled = False
    confidential.client.save()
    assert_same(value)
    assert access_token_active(value=value) is None


def test_unknown_and_odd_values_are_inactive(confidential, user):
    for value in ["", "x" * 513, None, 42, "no-such-token", "nul\x00"]:
        assert access_token_active(value=value) is None


def test_introspection_lookup_returns_the_caller_and_the_token(
    resource_server, confidential, user
):
    value = make_token(confidential.client, user)
    client, token = introspection_lookup(
        client_id=resource_server.client_id, value=value
    )
    assert client.pk == resource_server.client.pk
    assert client.is_resource_server and client.enabled
    assert client.client_secret == resource_server.client.client_secret
    assert token is not None and token.client_id == confidential.client_id


def test_introspection_lookup_finds_the_caller_without_a_live_token(
    resource_server, confidential, user
):
    expired = make_token(
        confidential.client, user, expires=timezone.now() - timedelta(seconds=1)
    )
    for value in [expired, "no-such-token", None, ""]:
        client, token = introspection_lookup(
            client_id=resource_server.client_id, value=value
        )
        assert client is not None and token is None


def test_introspection_lookup_knows_no_unknown_or_disabled_caller(
    resource_server, confidential, user
):
    value = make_token(confidential.client, user)
    assert introspection_lookup(client_id="nobody", value=value) == (None, None)
    resource_server.client.enabled = False
    resource_server.client.save()
    assert introspection_lookup(client_id=resource_server.client_id, value=value) == (
        None,
        None,
    )


def test_introspection_lookup_costs_one_query(
    resource_server, confidential, user, django_assert_num_queries
):
    value = make_token(confidential.client, user)
    with django_assert_num_queries(1):
        client, token = introspection_lookup(
            client_id=resource_server.client_id, value=value
        )
    assert client is not None and token is not None


def comparable(row) -> dict:
    skip = {"id", "created", "updated", "token_checksum"}
    return {
        f.attname: getattr(row, f.attname)
        for f in type(row)._meta.concrete_fields
        if f.attname not in skip
    }


def test_insert_row_writes_what_orm_create_writes(confidential, user):
    fields = {
        "user": user,
        "application": confidential.client,
        "scope": "profile",
        "expires": timezone.now() + timedelta(hours=1),
        "token": "",
    }
    by_orm = AccessToken.objects.create(**fields, token_checksum=token_digest("a"))
    by_sql = insert_row(AccessToken, **fields, token_checksum=token_digest("b"))
    assert by_sql.pk is not None and not by_sql._state.adding
    stored = AccessToken.objects.get(pk=by_sql.pk)
    assert comparable(stored) == comparable(AccessToken.objects.get(pk=by_orm.pk))
    assert stored.token_checksum == token_digest("b")
    assert stored.resource == [] and stored.created is not None


def test_insert_row_audit_event_keeps_json_and_defaults(confidential):
    row = insert_row(
        AuditEvent,
        event=AuditEvent.Type.TOKEN_ISSUED,
        outcome=AuditEvent.Outcome.SUCCESS,
        client=confidential.client,
        client_identifier=confidential.client_id,
        detail={"grant_type": "client_credentials", "scope": "a b", "n": 1},
    )
    stored = AuditEvent.objects.get(pk=row.pk)
    assert stored.detail == {"grant_type": "client_credentials", "scope": "a b", "n": 1}
    assert stored.client_id == confidential.client.pk
    assert stored.created is not None and stored.remote_addr is None


def test_nothing_listens_to_saves_of_rows_written_by_insert_row():
    # insert_row sends no model signals; it must stay true that none are needed.
    for model in [AccessToken, RefreshToken, AuditEvent]:
        assert not pre_save.has_listeners(model)
        assert not post_save.has_listeners(model)


def test_insert_linked_writes_what_orm_create_writes(confidential, user):
    """One statement on PostgreSQL, one per row elsewhere: the same rows as
    the ORM's creates, the later ones pointing at the first, the update run."""
    code_user = user
    earlier = insert_row(
        AccessToken,
        user=code_user,
        application=confidential.client,
        scope="profile",
        expires=timezone.now() + timedelta(hours=1),
        token="",
        token_checksum=token_digest("old"),
    )
    expires = timezone.now() + timedelta(hours=1)
    access = insert_linked(
        (
            AccessToken,
            {
                "user": user,
                "application": confidential.client,
                "scope": "profile",
                "expires": expires,
                "token": "",
                "token_checksum": token_digest("new"),
            },
        ),
        (
            RefreshToken,
            {
                "user": user,
                "application": confidential.client,
                "access_token": FIRST_PK,
                "token": "",
                "token_checksum": token_digest("refresh"),
                "expires": expires,
            },
        ),
        (
            AuditEvent,
            {
                "event": AuditEvent.Type.TOKEN_ISSUED,
                "client": confidential.client,
                "detail": WithFirstPk({"scope": "profile"}, "token_id"),
            },
        ),
        updates=(
            RowUpdate(
                AccessToken, earlier.pk, {"revoked": expires}, unless_set="revoked"
            ),
        ),
    )
    assert access.pk is not None and not access._state.adding
    stored = AccessToken.objects.get(pk=access.pk)
    by_orm = AccessToken.objects.create(
        user=user,
        application=confidential.client,
        scope="profile",
        expires=expires,
        token="",
        token_checksum=token_digest("orm"),
    )
    assert comparable(stored) == comparable(AccessToken.objects.get(pk=by_orm.pk))
    refresh = RefreshToken.objects.get(token_checksum=token_digest("refresh"))
    assert refresh.access_token_id == access.pk and refresh.resource == []
    event = AuditEvent.objects.get(event=AuditEvent.Type.TOKEN_ISSUED)
    assert event.detail == {"scope": "profile", "token_id": access.pk}
    assert event.client_id == confidential.client.pk and event.created is not None
    assert AccessToken.objects.get(pk=earlier.pk).revoked == expires


def test_insert_linked_is_all_or_nothing(confidential, user):
    """A row that cannot be written leaves none of the others written."""
    before = AccessToken.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_linked(
            (
                AccessToken,
                {
                    "user": user,
                    "application": confidential.client,
                    "scope": "profile",
                    "expires": timezone.now(),
                    "token": "",
                    "token_checksum": token_digest("x"),
                },
            ),
            # An event must be named: NOT NULL refuses this row.
            (AuditEvent, {"event": None, "client_identifier": "all-or-nothing"}),
        )
    assert AccessToken.objects.count() == before
    assert not AuditEvent.objects.filter(client_identifier="all-or-nothing").exists()


def test_user_by_pk_is_the_orms_user(user):
    found = user_by_pk(user.pk)
    assert comparable(found) == comparable(type(user).objects.get(pk=user.pk))
    assert found.password == user.password and not found._state.adding
    assert user_by_pk(10**9) is None
    assert user_by_pk("not-a-number") is None


def test_consent_of_is_the_orms_consent(user, confidential):
    client = confidential.client
    cutoff = timezone.now() - timedelta(days=1)
    assert consent_of(user.pk, client.pk, cutoff) is None
    Consent.objects.create(
        user=user, client=client, scope="profile email", declined_scope="email"
    )
    orm = Consent.objects.get(user=user, client=client, granted_at__gt=cutoff)
    found = consent_of(user.pk, client.pk, cutoff)
    assert comparable(found) == comparable(orm)
    assert found.scopes == orm.scopes and found.declined_scopes == ["email"]
    assert consent_of(user.pk, client.pk, timezone.now() + timedelta(days=1)) is None


def test_scopes_for_consent_is_what_the_orm_answers(confidential):
    client = confidential.client
    profile = Scope.objects.get(name="profile")
    profile.translations = {"de": "Ihr Profil"}
    profile.save()
    ClientScope.objects.filter(client=client, scope=profile).update(required=True)
    rows = {
        row[0]: row
        for row in scopes_for_consent(client.pk, ["profile", "email", "nope"])
    }
    assert set(rows) == {"profile", "email"}
    for name, (_n, description, translations, required) in rows.items():
        scope = Scope.objects.get(name=name)
        assert (description, translations) == (scope.description, scope.translations)
        assert (
            required
            == ClientScope.objects.filter(
                client=client, scope=scope, required=True
            ).exists()
        )
    assert rows["profile"][3] is True and rows["email"][3] is False


def test_insert_linked_takes_a_foreign_key_by_its_column_name(confidential, user):
    access = insert_linked(
        (
            AccessToken,
            {
                "user": user,
                "application": confidential.client,
                "scope": "profile",
                "expires": timezone.now() + timedelta(hours=1),
                "token": "",
                "token_checksum": token_digest("by-attname"),
            },
        ),
        (
            RefreshToken,
            {
                "user_id": user.pk,
                "application_id": confidential.client.pk,
                "access_token_id": FIRST_PK,
                "token": "",
                "token_checksum": token_digest("by-attname-refresh"),
                "expires": timezone.now() + timedelta(days=1),
            },
        ),
    )
    refresh = RefreshToken.objects.get(
        token_checksum=token_digest("by-attname-refresh")
    )
    assert refresh.access_token_id == access.pk and refresh.user_id == user.pk
