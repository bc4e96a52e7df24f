"""The private Django and django-oauth-toolkit internals this project leans on.

Each is reached only through a function here, so an upgrade that changes one
breaks in one place, and tests/oauth_grants/test_internals.py fails loudly
naming it (run it first after bumping Django or DOT):

* ``QuerySet._raw_delete``: ``cleartokens`` deletes a primary-key range in
  one statement, without the ORM collector loading every row it cascades to
  (the token tables' references are cleared by the command itself).
* ``OAuthLibCore._get_escaped_full_path`` (DOT): the authorization request's
  URI as oauthlib must see it again when the consent is answered.
* DOT's ``TokenChecksumField.pre_save`` keeps a precomputed
  ``token_checksum`` when ``token`` is blank and no raw token is stashed:
  tokens are written with ``token=""`` and our own digest; its
  ``ResourceJSONField.pre_save`` only turns None into ``[]``. ``insert_row``
  relies on both to skip building the instance.
* Django's SQL compiler helpers: ``DatabaseOperations.get_db_converters``
  and ``Expression.get_db_converters`` (the conversions a queryset applies
  to each column), and ``Model._state`` (what ``save()`` and ``from_db``
  mark on an instance), used by the hand-written statements of sql.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from oauth2_provider.models import ResourceJSONField, TokenChecksumField


def field_keeps_given_checksum(field: Any) -> bool:
    """Is ``field`` DOT's token checksum field, which keeps the digest it is
    given when ``token`` is blank (so ``insert_row`` need not run it)?"""
    return isinstance(field, TokenChecksumField)


def field_stores_none_as_empty_list(field: Any) -> bool:
    """Is ``field`` DOT's RFC 8707 resource field, whose ``pre_save`` only
    turns None into ``[]``?"""
    return isinstance(field, ResourceJSONField)


def raw_delete(queryset: QuerySet) -> int:
    """DELETE the rows of ``queryset`` in one statement: no signals, no
    cascade collection, on the database the routers pick for writes.
    Returns the number of rows deleted."""
    return queryset._raw_delete(router.db_for_write(queryset.model))


def escaped_full_path(core: Any, request: HttpRequest) -> str:
    """The request's path and query string, escaped as DOT hands them to oauthlib."""
    return core._get_escaped_full_path(request)


def db_converters(conn: BaseDatabaseWrapper, column: Any) -> list[Callable]:
    """The functions a queryset applies to ``column``'s raw database values."""
    return conn.ops.get_db_converters(column) + column.get_db_converters(conn)


def mark_loaded(instance: Model, alias: str) -> None:
    """Mark ``instance`` as a row of database ``alias`` (as ``save()`` does)."""
    instance._state.adding = False
    instance._state.db = alias
