"""The reads of the consent page and of every signed-in page, as SQL
written once (the way lookups.py writes the token endpoint's).

Through the ORM each of these queries cost 300-800 us of Python, more than
the rest of the consent page but its template. As in lookups.py, names and
conversions come from the models (oauth_grants/sql.py),
tests/oauth_grants/test_lookups.py compares every answer with the ORM's,
each statement runs on the connection Django's routers choose, and each has
one caller:

* ``consent_of``: ``consent.consent_current``;
* ``scopes_for_consent``: ``scopes.consent_scopes``;
* ``user_by_pk``: ``auth_backends.LockoutModelBackend.get_user`` (the
  session's person on every page; the one read of the password hash, which
  Django's session check needs).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.backends.base.base import BaseDatabaseWrapper

from oauth_grants.models import ClientScope, Consent, Scope
from oauth_grants.sql import Columns, connection_for_read, for_vendor


class _ConsentStatement:
    """The consent page's read of the person's consent for a client."""

    def __init__(self, conn: BaseDatabaseWrapper) -> None:
        self.consent = Columns(
            Consent, "k", [f.name for f in Consent._meta.concrete_fields], conn
        )
        # Only quoted identifiers are formatted in; every value is a parameter.
        # (params: user, client, granted after)
        self.sql = (
            "SELECT %s FROM %s WHERE %s = %%s AND %s = %%s AND %s > %%s"  # noqa: S608
            % (
                self.consent.select(),
                self.consent.table,
                self.consent.column("user"),
                self.consent.column("client"),
                self.consent.column("granted_at"),
            )
        )
        self.converters = self.consent.converters()


class _ConsentScopesStatement:
    """The consent page's read of ``scope_count`` requested scopes, with
    whether the client requires each."""

    def __init__(self, conn: BaseDatabaseWrapper, scope_count: int) -> None:
        self.scope = Columns(
            Scope, "s", ["id", "name", "description", "translations"], conn
        )
        link = Columns(ClientScope, "cs", [], conn)
        # (params: client, then each name)
        self.sql = (
            "SELECT %s, EXISTS (SELECT 1 FROM %s WHERE %s = %s AND %s = %%s "  # noqa: S608
            "AND %s) FROM %s WHERE %s IN (%s)"
            % (
                self.scope.select(),
                link.table,
                link.column("scope"),
                self.scope.column("id"),
                link.column("client"),
                link.column("required"),
                self.scope.table,
                self.scope.column("name"),
                ", ".join(["%s"] * scope_count),
            )
        )
        self.converters = self.scope.converters()


def consent_of(user_pk: Any, client_pk: Any, granted_after: datetime) -> Any:
    """The person's consent for the client granted after ``granted_after``,
    or None. One query."""
    conn = connection_for_read(Consent)
    statement = for_vendor(_ConsentStatement, conn)
    with conn.cursor() as cursor:
        cursor.execute(
            statement.sql,
            [user_pk, client_pk, conn.ops.adapt_datetimefield_value(granted_after)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return statement.consent.build(row, statement.converters)


def scopes_for_consent(
    client_pk: Any, names: list[str]
) -> list[tuple[str, str, Any, bool]]:
    """(name, description, translations, required by the client) of each
    scope in ``names`` that exists. One query."""
    if not names:
        return []
    conn = connection_for_read(Scope)
    statement = for_vendor(_ConsentScopesStatement, conn, len(names))
    with conn.cursor() as cursor:
        cursor.execute(statement.sql, [client_pk, *names])
        rows = cursor.fetchall()
    out = []
    width = len(statement.scope.fields)
    for row in rows:
        values = statement.scope.convert(row[:width], statement.converters)
        assert values is not None  # an inner select: every row is a scope
        by_name = dict(zip(statement.scope.names, values, strict=True))
        out.append(
            (
                by_name["name"],
                by_name["description"],
                by_name["translations"],
                bool(row[width]),
            )
        )
    return out


class _UserStatement:
    """A whole user row by primary key: what ``ModelBackend.get_user`` loads."""

    def __init__(self, conn: BaseDatabaseWrapper) -> None:
        model = get_user_model()
        self.user = Columns(
            model, "u", [f.name for f in model._meta.concrete_fields], conn
        )
        # Only quoted identifiers are formatted in; every value is a parameter.
        self.sql = "SELECT %s FROM %s WHERE %s = %%s" % (  # noqa: S608
            self.user.select(),
            self.user.table,
            self.user.column(model._meta.pk.name),
        )
        self.converters = self.user.converters()


def user_by_pk(pk: Any) -> Any:
    """The user with this primary key, every field loaded, or None. One query.

    The one lookup here that reads the password hash: Django checks a
    session against it (``get_session_auth_hash``) on every page."""
    model = get_user_model()
    try:
        pk = model._meta.pk.to_python(pk)
    except ValidationError:
        return None
    conn = connection_for_read(model)
    statement = for_vendor(_UserStatement, conn)
    with conn.cursor() as cursor:
        cursor.execute(statement.sql, [pk])
        row = cursor.fetchone()
    return None if row is None else statement.user.build(row, statement.converters)
