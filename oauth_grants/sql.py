"""Hand-written SQL for the hot paths, with names and conversions from the ORM.

The few statements that run on every token or protected request are written
as text once (oauth_grants/lookups.py, and ``insert_row`` below for the rows
every token request writes): the ORM spent more time building them than
PostgreSQL spent running them. What
keeps them honest is this helper: table and column names come from the
models' metadata, values come back through the same converters the ORM
applies (SQLite's strings to datetimes and booleans, JSON decoded), and rows
become model instances through ``Model.from_db``, as a queryset's would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from oauth_grants.internals import db_converters, mark_loaded

T = TypeVar("T")


class Columns:
    """Some columns of one model under a table alias, and the way back to a model.

    Bound to one database alias (``conn.alias``): its quoting, its
    converters, and the alias its instances are marked as loaded from. Only
    the alias is kept: connection objects belong to one thread each, and
    these statements are shared by all.
    """

    def __init__(
        self,
        model: type[Model],
        alias: str,
        names: list[str],
        conn: BaseDatabaseWrapper,
    ) -> None:
        self.model = model
        self.alias = alias
        self.db = conn.alias
        # In the model's field order, the order ``Model.from_db`` expects.
        self.fields = [f for f in model._meta.concrete_fields if f.name in names]
        self.names = [f.name for f in self.fields]
        # Where the primary key is, to tell a row an outer join did not find.
        self.pk_index = next(
            (i for i, f in enumerate(self.fields) if f.primary_key), None
        )

    @property
    def conn(self) -> BaseDatabaseWrapper:
        """This thread's connection to the database."""
        return connections[self.db]

    @property
    def table(self) -> str:
        return "%s %s" % (
            self.conn.ops.quote_name(self.model._meta.db_table),
            self.alias,
        )

    def column(self, name: str) -> str:
        field = self.model._meta.get_field(name)
        return "%s.%s" % (self.alias, self.conn.ops.quote_name(field.column))

    def select(self) -> str:
        return ", ".join(self.column(f.name) for f in self.fields)

    def converters(self) -> list[tuple[Any, list[Any]]]:
        """Per column: the expression and the ORM's converters for this vendor."""
        out = []
        for field in self.fields:
            col = field.get_col(self.alias)
            out.append((col, db_converters(self.conn, col)))
        return out

    def convert(self, values: tuple[Any, ...], converters: list) -> list[Any] | None:
        """The values as the ORM would give them (in ``self.fields`` order), or
        None if the row is absent."""
        if values[self.pk_index] is None:  # an outer join found nothing
            return None
        converted = []
        for value, (col, funcs) in zip(values, converters, strict=True):
            for func in funcs:
                value = func(value, col, self.conn)
            converted.append(value)
        return converted

    def build(self, values: tuple[Any, ...], converters: list) -> Any:
        """The instance these values describe (other fields deferred), or None."""
        converted = self.convert(values, converters)
        if converted is None:
            return None
        return self.model.from_db(
            self.conn.alias, [f.attname for f in self.fields], converted
        )


class _InsertStatement:
    """INSERT of one row of a model: every concrete column but an auto pk."""

    def __init__(self, conn: BaseDatabaseWrapper, model: type[Model]) -> None:
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
        self.returns_pk = conn.features.can_return_columns_from_insert
        quote = conn.ops.quote_name
        # Only quoted identifiers are formatted in; every value is a parameter.
        self.sql = "INSERT INTO %s (%s) VALUES (%s)" % (  # noqa: S608
            quote(meta.db_table),
            ", ".join(quote(f.column) for f in self.fields),
            ", ".join(["%s"] * len(self.fields)),
        )
        if self.returns_pk:
            self.sql += " RETURNING %s" % quote(meta.pk.column)


_built: dict[tuple[str, Any], Any] = {}


def for_vendor(build: Callable[..., T], conn: BaseDatabaseWrapper, *args: Any) -> T:
    """``build(conn, *args)`` for this database connection: made on first use,
    then kept (statement text depends only on the models and the database)."""
    key = (conn.alias, build, *args)
    built = _built.get(key)
    if built is None:
        built = _built[key] = build(conn, *args)
    return built


def connection_for_read(model: type[Model]) -> BaseDatabaseWrapper:
    """The connection Django's routers pick to read ``model``."""
    return connections[router.db_for_read(model) or "default"]


def connection_for_write(model: type[Model]) -> BaseDatabaseWrapper:
    """The connection Django's routers pick to write (or lock) ``model``."""
    return connections[router.db_for_write(model) or "default"]


def insert_row(model: type[Model], **values: Any) -> Any:
    """``model.objects.create(**values)`` in a third of the time, no signals.

    The instance is built by the model (defaults), each field's ``pre_save``
    and ``get_db_prep_save`` run as in ``Model.save()`` (``auto_now``
    stamps, DOT's checksum and JSON fields), and the statement text is built
    once per model and vendor instead of compiled on every call. Model
    signals are not sent: nothing in this project listens to them for the
    models inserted this way (tests/oauth_grants/test_lookups.py checks).
    """
    conn = connection_for_write(model)
    statement = for_vendor(_InsertStatement, conn, model)
    instance = model(**values)
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), conn)
        for field in statement.fields
    ]
    with conn.cursor() as cursor:
        cursor.execute(statement.sql, params)
        if statement.returns_pk:
            pk = cursor.fetchone()[0]
        else:
            pk = conn.ops.last_insert_id(
                cursor, model._meta.db_table, model._meta.pk.column
            )
    instance.pk = pk
    mark_loaded(instance, conn.alias)
    return instance
