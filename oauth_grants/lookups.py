"""The reads on every token request and protected call, as SQL written once.

"Is this access token live?" runs on every introspection and every local
API call, and introspection first needs the calling client; every token
request loads its client with its allowed scopes, and the code or refresh
token it redeems. Through the ORM
each lookup cost 350-770 us of Python before PostgreSQL saw it (queryset
cloning, SQL compilation, an ``ORDER BY`` added by ``.first()``), against
about 100 us for the same statement sent as text and prepared by psycopg
(bench/README.md has the numbers). So the statements are assembled here once
per database vendor, from the models' own table and column names, and the
rows are turned back into model instances with the ORM's own converters
(``from_db``), so callers get the same objects the ORM would give them.

Introspection gets the calling client and the token in one statement, and
a code exchange or refresh gets the client, its scopes and the locked code
or refresh token in one: one round trip each, and no in-process cache of
client rows that would let a disabled client keep working for a while.

The ORM stays the source of truth: names and conversions come from it
(oauth_grants/sql.py), and tests/oauth_grants/test_lookups.py compares
every answer with the ORM's. Each statement runs on the connection Django's
routers choose for it, reads only the columns its one caller uses (the
user's password hash comes along only where Django needs it), and has one
caller:

* ``live_token_by_digest``: ``selectors.access_token_active``;
* ``caller_and_live_token``: ``selectors.introspection_lookup``;
* ``client_by_id``: ``client_auth.load_client``;
* ``client_with_code``: ``grants/authorization_code.py``;
* ``client_with_refresh_token``: ``grants/refresh_token.py``.

The consent page's reads are written the same way in page_lookups.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from oauth_grants.models import (
    AccessToken,
    AuthorizationCode,
    Client,
    ClientScope,
    RefreshToken,
    Scope,
)
from oauth_grants.sql import (
    Columns,
    connection_for_read,
    connection_for_write,
    for_vendor,
)


@dataclass(frozen=True)
class LiveToken:
    """A live access token: what introspection, the API and UserInfo need."""

    pk: int
    scope: str
    expires: datetime
    created: datetime
    client_id: str
    user: Any  # the user model's instance, or None for client_credentials
    audience: tuple[str, ...] = ()  # RFC 8707: the APIs it is for (DOT's resource)

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()


TOKEN_FIELDS = ["id", "scope", "expires", "created", "resource"]
TOKEN_CLIENT_FIELDS = ["id", "client_id", "enabled"]
CALLER_FIELDS = [
    "id",
    "client_id",
    "client_secret",
    "client_type",
    "name",
    "enabled",
    "is_resource_server",
]


def _user_columns(*extra: str) -> list[str]:
    """What introspection, the API and ID tokens say about a person; never
    the password hash."""
    user_model = get_user_model()
    names = [
        user_model._meta.pk.name,
        user_model.USERNAME_FIELD,
        user_model.get_email_field_name(),
        "first_name",
        "last_name",
        "is_active",
        *extra,
    ]
    return list(dict.fromkeys(names))


class _Statements:
    """The statements and converters for the current database vendor, built once."""

    def __init__(self, conn: BaseDatabaseWrapper) -> None:
        self.token = Columns(AccessToken, "t", TOKEN_FIELDS, conn)
        self.token_client = Columns(Client, "tc", TOKEN_CLIENT_FIELDS, conn)
        self.user = Columns(get_user_model(), "u", _user_columns(), conn)
        self.caller = Columns(Client, "c", CALLER_FIELDS, conn)
        token_from = (
            "{token} JOIN {tc} ON {tc_id} = {t_app} AND {tc_enabled} = %s "
            "LEFT JOIN {user} ON {u_id} = {t_user}"
        )
        token_where = "{t_checksum} = %s AND {t_revoked} IS NULL AND {t_expires} > %s"
        names = {
            "token": self.token.table,
            "tc": self.token_client.table,
            "user": self.user.table,
            "tc_id": self.token_client.column("id"),
            "tc_enabled": self.token_client.column("enabled"),
            "t_app": self.token.column("application"),
            "t_user": self.token.column("user"),
            "u_id": self.user.column(get_user_model()._meta.pk.name),
            "t_checksum": self.token.column("token_checksum"),
            "t_revoked": self.token.column("revoked"),
            "t_expires": self.token.column("expires"),
        }
        token_select = ", ".join(
            [self.token.select(), self.token_client.select(), self.user.select()]
        )
        # Only quoted identifiers are formatted into these statements; every
        # value is a parameter.
        # The token alone (params: enabled, digest, now).
        self.live_token_sql = "SELECT %s FROM %s WHERE %s" % (  # noqa: S608
            token_select,
            token_from.format(**names),
            token_where.format(**names),
        )
        # The calling client, and the token joined to it when it is live
        # (params: enabled, digest, now, client_id, enabled).
        self.caller_and_token_sql = (
            "SELECT %s, %s FROM %s LEFT JOIN (%s) ON %s WHERE %s = %s AND %s = %s"  # noqa: S608
            % (
                self.caller.select(),
                token_select,
                self.caller.table,
                token_from.format(**names),
                token_where.format(**names),
                self.caller.column("client_id"),
                "%s",
                self.caller.column("enabled"),
                "%s",
            )
        )
        self.converters = {
            "token": self.token.converters(),
            "token_client": self.token_client.converters(),
            "user": self.user.converters(),
            "caller": self.caller.converters(),
        }

    def live_token(self, row: tuple[Any, ...]) -> LiveToken | None:
        n_token, n_tc = len(self.token.fields), len(self.token_client.fields)
        token = self.token.convert(row[:n_token], self.converters["token"])
        if token is None:
            return None
        token_client = self.token_client.convert(
            row[n_token : n_token + n_tc], self.converters["token_client"]
        )
        if token_client is None:  # the inner join makes this impossible
            return None
        user = self.user.build(row[n_token + n_tc :], self.converters["user"])
        if user is not None and not user.is_active:
            return None
        values = dict(zip(self.token.names, token, strict=True))
        client_values = dict(zip(self.token_client.names, token_client, strict=True))
        return LiveToken(
            pk=values["id"],
            scope=values["scope"],
            expires=values["expires"],
            created=values["created"],
            client_id=client_values["client_id"],
            user=user,
            audience=tuple(values["resource"] or ()),
        )


def _now(conn: BaseDatabaseWrapper) -> Any:
    return conn.ops.adapt_datetimefield_value(timezone.now())


def live_token_by_digest(digest: str) -> LiveToken | None:
    """The live access token with this digest, else None. One query.

    Live: not revoked, not expired, its client enabled, its user (if any)
    active; the same rule as the ORM filter it replaces.
    """
    conn = connection_for_read(AccessToken)
    statements = for_vendor(_Statements, conn)
    with conn.cursor() as cursor:
        cursor.execute(statements.live_token_sql, [True, digest, _now(conn)])
        row = cursor.fetchone()
    return statements.live_token(row) if row is not None else None


def caller_and_live_token(
    client_id: str, digest: str | None
) -> tuple[Client | None, LiveToken | None]:
    """The enabled client with this id, and the live token with this digest.

    One query. The client is only loaded, not authenticated: the caller must
    check its secret before it uses the token.
    """
    conn = connection_for_read(AccessToken)
    statements = for_vendor(_Statements, conn)
    with conn.cursor() as cursor:
        cursor.execute(
            statements.caller_and_token_sql,
            [True, digest or "", _now(conn), client_id, True],
        )
        row = cursor.fetchone()
    if row is None:
        return None, None
    n_caller = len(statements.caller.fields)
    client = statements.caller.build(row[:n_caller], statements.converters["caller"])
    token = statements.live_token(row[n_caller:]) if digest else None
    return client, token


# --- clients, for the token endpoint ---------------------------------------

# The columns a code exchange and a refresh read of the row they redeem.
CODE_FIELDS = [
    "id",
    "user",
    "application",
    "expires",
    "redirect_uri",
    "redirect_uri_required",
    "scope",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "redeemed_at",
    "token_family",
    "auth_time",
    "resource",
]
REFRESH_FIELDS = [
    "id",
    "user",
    "application",
    "access_token",
    "token_family",
    "scope",
    "expires",
    "revoked",
    "rotated_at",
    "created",
    "family_started",
    "resource",
]


class _ClientStatements:
    """A client with its scope names; optionally with a grant row locked.

    The client comes whole: its row is the policy the token endpoint
    applies (grant types, lifetimes, refresh policy, secret hash).
    """

    def __init__(self, conn: BaseDatabaseWrapper) -> None:
        user_model = get_user_model()
        self.db = conn.alias
        self.client = Columns(
            Client, "c", [f.name for f in Client._meta.concrete_fields], conn
        )
        # last_login: an ID token's auth_time (OpenID Connect Core §2).
        self.user = Columns(user_model, "u", _user_columns("last_login"), conn)
        link = Columns(ClientScope, "cs", [], conn)
        scope = Columns(Scope, "s", [], conn)
        self.scopes_join = "LEFT JOIN %s ON %s = %s LEFT JOIN %s ON %s = %s" % (
            link.table,
            link.column("client"),
            self.client.column("id"),
            scope.table,
            scope.column("id"),
            link.column("scope"),
        )
        self.scope_name = scope.column("name")
        self.where = "%s = %%s AND %s = %%s" % (
            self.client.column("client_id"),
            self.client.column("enabled"),
        )
        # Only quoted identifiers are formatted in; every value is a parameter.
        # (params: client_id, enabled)
        self.client_sql = "SELECT %s, %s FROM %s %s WHERE %s" % (  # noqa: S608
            self.client.select(),
            self.scope_name,
            self.client.table,
            self.scopes_join,
            self.where,
        )
        self.code = self._grant_sql(AuthorizationCode, "code", CODE_FIELDS)
        self.refresh = self._grant_sql(RefreshToken, "token_checksum", REFRESH_FIELDS)
        self.converters = {
            "client": self.client.converters(),
            "user": self.user.converters(),
        }

    def _grant_sql(
        self, model: type, digest_field: str, fields: list[str]
    ) -> tuple[Columns, str, list]:
        """(params: digest, client_id, enabled); the grant row locked if we can."""
        grant = Columns(model, "g", fields, connections[self.db])
        features = connections[self.db].features
        lock = ""
        if features.has_select_for_update_of:
            lock = " FOR UPDATE OF g"
        elif features.has_select_for_update:
            lock = " FOR UPDATE"
        sql = (
            "SELECT %s, %s, %s, %s FROM %s "  # noqa: S608
            "JOIN %s ON %s = %s AND %s = %%s JOIN %s ON %s = %s %s WHERE %s%s"
            % (
                self.client.select(),
                self.scope_name,
                grant.select(),
                self.user.select(),
                self.client.table,
                grant.table,
                grant.column("application"),
                self.client.column("id"),
                grant.column(digest_field),
                self.user.table,
                self.user.column(get_user_model()._meta.pk.name),
                grant.column("user"),
                self.scopes_join,
                self.where,
                lock,
            )
        )
        return grant, sql, grant.converters()

    def client_from(self, rows: list[tuple[Any, ...]]) -> Client:
        width = len(self.client.fields)
        client = self.client.build(rows[0][:width], self.converters["client"])
        client.set_allowed_scope_names(
            row[width] for row in rows if row[width] is not None
        )
        return client

    def with_grant(
        self, statement: tuple[Columns, str, list], client_id: str, digest: str
    ) -> tuple[Client, Any] | None:
        grant_columns, sql, grant_converters = statement
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [digest, client_id, True])
            rows = cursor.fetchall()
        if not rows:
            return None
        client = self.client_from(rows)
        start = len(self.client.fields) + 1
        middle = start + len(grant_columns.fields)
        grant = grant_columns.build(rows[0][start:middle], grant_converters)
        grant.application = client
        grant.user = self.user.build(rows[0][middle:], self.converters["user"])
        return client, grant


def client_by_id(client_id: str) -> Client | None:
    """The enabled client with this id and its allowed scope names. One query."""
    conn = connection_for_read(Client)
    statements = for_vendor(_ClientStatements, conn)
    with conn.cursor() as cursor:
        cursor.execute(statements.client_sql, [client_id, True])
        rows = cursor.fetchall()
    return statements.client_from(rows) if rows else None


def client_with_code(
    client_id: str, digest: str
) -> tuple[Client, AuthorizationCode] | None:
    """The enabled client, its scope names, and its code with this digest
    (its user joined), locked for the rest of the transaction. One query;
    None when the client has no such code."""
    statements = for_vendor(_ClientStatements, connection_for_write(AuthorizationCode))
    return statements.with_grant(statements.code, client_id, digest)


def client_with_refresh_token(
    client_id: str, digest: str
) -> tuple[Client, RefreshToken] | None:
    """The enabled client, its scope names, and its refresh token with this
    digest (its user joined), locked for the rest of the transaction. One
    query; None when the client has no such refresh token."""
    statements = for_vendor(_ClientStatements, connection_for_write(RefreshToken))
    return statements.with_grant(statements.refresh, client_id, digest)
