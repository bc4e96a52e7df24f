"""Each private Django or DOT internal of oauth_grants/internals.py still
behaves as this project relies on. A failure here names what an upgrade
changed: fix the one function in internals.py before anything else."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from oauth2_provider.oauth2_backends import get_oauthlib_core

from oauth_grants.internals import (
    db_converters,
    escaped_full_path,
    field_keeps_given_checksum,
    field_stores_none_as_empty_list,
    mark_loaded,
    raw_delete,
)
from oauth_grants.models import AccessToken, AuditEvent
from oauth_grants.tokens import token_digest

pytestmark = pytest.mark.django_db


def test_raw_delete_deletes_the_rows_of_a_queryset_in_one_statement(
    confidential, user, django_assert_num_queries
):
    for n in range(3):
        AccessToken.objects.create(
            user=user,
            application=confidential.client,
            scope="profile",
            expires=timezone.now() + timedelta(hours=1),
            token="",
            token_checksum=token_digest("t%d" % n),
        )
    keep = AccessToken.objects.order_by("pk").first()
    with django_assert_num_queries(1):
        removed = raw_delete(AccessToken.objects.exclude(pk=keep.pk))
    assert removed == 2, "QuerySet._raw_delete no longer returns the row count"
    assert list(AccessToken.objects.values_list("pk", flat=True)) == [keep.pk]


def test_escaped_full_path_is_the_path_and_query_oauthlib_sees():
    request = RequestFactory().get("/oauth/authorize", {"state": "a b", "x": "é"})
    path = escaped_full_path(get_oauthlib_core(), request)
    assert path.startswith("/oauth/authorize?"), path
    assert "state=a+b" in path or "state=a%20b" in path, path


def test_dot_keeps_a_precomputed_checksum_when_the_token_is_blank(confidential, user):
    digest = token_digest("value")
    row = AccessToken(
        user=user,
        application=confidential.client,
        scope="profile",
        expires=timezone.now(),
        token="",
        token_checksum=digest,
    )
    field = AccessToken._meta.get_field("token_checksum")
    assert field_keeps_given_checksum(field), "DOT's checksum field class moved"
    assert field.pre_save(row, True) == digest, (
        "DOT's TokenChecksumField now rewrites token_checksum when token is "
        "blank: insert_row and every token row would store the wrong digest"
    )
    row.save()
    assert AccessToken.objects.get(pk=row.pk).token_checksum == digest


def test_dot_resource_field_only_turns_none_into_an_empty_list(confidential, user):
    field = AccessToken._meta.get_field("resource")
    assert field_stores_none_as_empty_list(field), "DOT's resource field moved"
    row = AccessToken(resource=None)
    assert field.pre_save(row, True) == []
    row.resource = ["https://api.example"]
    assert field.pre_save(row, True) == ["https://api.example"]


def test_db_converters_turn_raw_values_into_what_the_orm_returns(confidential):
    event = AuditEvent.objects.create(
        event=AuditEvent.Type.CLIENT_CHANGED,
        outcome=AuditEvent.Outcome.SUCCESS,
        detail={"k": [1, "two"]},
    )
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT created, detail FROM %s WHERE id = %%s"  # noqa: S608
            % connection.ops.quote_name(table),
            [event.pk],
        )
        created, detail = cursor.fetchone()
    for name, raw in (("created", created), ("detail", detail)):
        col = AuditEvent._meta.get_field(name).get_col("a")
        value = raw
        for convert in db_converters(connection, col):
            value = convert(value, col, connection)
        if name == "created":
            assert isinstance(value, datetime) and value == event.created
        else:
            assert value == {"k": [1, "two"]}


def test_mark_loaded_makes_an_instance_a_saved_row(confidential):
    row = AuditEvent(event="x", outcome="success")
    assert row._state.adding is True
    mark_loaded(row, "default")
    assert row._state.adding is False and row._state.db == "default"
