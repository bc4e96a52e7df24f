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

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.utils import timezone

from oauth_grants.internals import (
    db_converters,
    field_keeps_given_checksum,
    field_stores_none_as_empty_list,
    mark_loaded,
)

T = TypeVar("T")


def concrete_field(model: type[Model], name: str) -> models.Field:
    """``model``'s concrete field ``name`` (a reverse relation has no column)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError("%s.%s has no column" % (model.__name__, name))
    return field


def column_of(model: type[Model], name: str) -> str:
    return str(concrete_field(model, name).column)


def table_of(model: type[Model]) -> str:
    return str(model._meta.db_table)


def pk_column_of(model: type[Model]) -> str:
    return column_of(model, model._meta.pk.name) if model._meta.pk else "id"


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
            self.conn.ops.quote_name(table_of(self.model)),
            self.alias,
        )

    def column(self, name: str) -> str:
        return "%s.%s" % (
            self.alias,
            self.conn.ops.quote_name(column_of(self.model, name)),
        )

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
        if self.pk_index is None or values[self.pk_index] is None:
            # an outer join found nothing
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
    """INSERT of one row of a model: every concrete column but an auto pk.

    ``plan`` says, per column, how its value is found from the keyword
    arguments without building the instance first (``Model.__init__`` cost
    more than the statement): given, the field's default, or "now" for
    ``auto_now``/``auto_now_add``; DOT's checksum field keeps a given digest
    when ``token`` is blank, its resource field stores None as ``[]``
    (oauth_grants/internals.py). A model with any other ``pre_save`` is
    built the slow way.
    """

    def __init__(self, conn: BaseDatabaseWrapper, model: type[Model]) -> None:
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
        self.returns_pk = conn.features.can_return_columns_from_insert
        quote = conn.ops.quote_name
        # Only quoted identifiers are formatted in; every value is a parameter.
        self.sql = "INSERT INTO %s (%s) VALUES (%s)" % (  # noqa: S608
            quote(table_of(model)),
            ", ".join(quote(str(f.column)) for f in self.fields),
            ", ".join(["%s"] * len(self.fields)),
        )
        if self.returns_pk:
            self.sql += " RETURNING %s" % quote(pk_column_of(model))
        self.plan = [(f, _value_kind(f)) for f in self.fields]
        self.fast = all(kind != "slow" for _field, kind in self.plan)
        self.attnames = [f.attname for f in meta.concrete_fields]
        self.pk_first = meta.concrete_fields[0] is meta.auto_field

    def values(self, given: dict[str, Any]) -> list[Any] | None:
        """The Python value of each column, as ``save()`` would store it;
        None when only building the instance can tell."""
        if not self.fast:
            return None
        now = None
        out = []
        for field, kind in self.plan:
            if kind == "now":
                now = now or timezone.now()
                value = now
            elif field.name in given:
                value = given[field.name]
                if field.is_relation and isinstance(value, Model):
                    value = value.pk
            elif field.attname in given:
                value = given[field.attname]
            else:
                value = field.get_default()
            if kind == "checksum" and given.get("token"):
                return None
            if kind == "list" and value is None:
                value = []
            out.append(value)
        return out


def _value_kind(field: Any) -> str:
    if isinstance(field, models.DateField):
        return "now" if field.auto_now or field.auto_now_add else "value"
    if field_keeps_given_checksum(field):
        return "checksum"
    if field_stores_none_as_empty_list(field):
        return "list"
    if type(field).pre_save is not models.Field.pre_save:
        return "slow"
    return "value"


class _UpdateStatement:
    """UPDATE of some columns of one row, found by primary key; optionally
    only while another column is still NULL (a token not yet revoked)."""

    def __init__(
        self,
        conn: BaseDatabaseWrapper,
        model: type[Model],
        names: tuple[str, ...],
        unless_set: str | None,
    ) -> None:
        quote = conn.ops.quote_name
        self.fields = [concrete_field(model, name) for name in names]
        where = "%s = %%s" % quote(pk_column_of(model))
        if unless_set is not None:
            where += " AND %s IS NULL" % quote(column_of(model, unless_set))
        # Only quoted identifiers are formatted in; every value is a parameter.
        self.sql = "UPDATE %s SET %s WHERE %s" % (  # noqa: S608
            quote(table_of(model)),
            ", ".join("%s = %%s" % quote(str(f.column)) for f in self.fields),
            where,
        )


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
    """``model.objects.create(**values)`` in a fraction of the time, no signals.

    Each column's value is what ``Model.save()`` would store (defaults,
    ``auto_now`` stamps, DOT's checksum field, JSON through
    ``get_db_prep_save``), found without building the instance first where
    the model allows it (``_InsertStatement.values``), and the statement
    text is built once per model and database instead of compiled on every
    call. Model signals are not sent: nothing in this project listens to
    them for the models inserted this way (tests/oauth_grants/test_lookups.py
    checks).
    """
    conn = connection_for_write(model)
    statement = for_vendor(_InsertStatement, conn, model)
    python_values = statement.values(values)
    instance = None
    if python_values is None:
        instance = model(**values)
        python_values = [field.pre_save(instance, True) for field in statement.fields]
    params = [
        field.get_db_prep_save(value, conn)
        for field, value in zip(statement.fields, python_values, strict=True)
    ]
    with conn.cursor() as cursor:
        cursor.execute(statement.sql, params)
        if statement.returns_pk:
            pk = cursor.fetchone()[0]
        else:
            pk = conn.ops.last_insert_id(cursor, table_of(model), pk_column_of(model))
    if instance is None and statement.pk_first:
        # Positional from_db: the cheap way Django builds a loaded row.
        return model.from_db(conn.alias, statement.attnames, [pk, *python_values])
    if instance is None:
        instance = model(**values)
    instance.pk = pk
    mark_loaded(instance, conn.alias)
    return instance


def update_row(
    model: type[Model], pk: Any, *, unless_set: str | None = None, **values: Any
) -> int:
    """``model.objects.filter(pk=pk[, <unless_set>__isnull=True]).update(**values)``
    as one statement built once; returns the number of rows changed (0 or 1).
    For the token endpoint's own rows, whose UPDATE cost more to compile
    than to run. No signals (``update()`` sends none either)."""
    conn = connection_for_write(model)
    statement = for_vendor(_UpdateStatement, conn, model, tuple(values), unless_set)
    params = [
        field.get_db_prep_save(values[field.name], conn) for field in statement.fields
    ]
    with conn.cursor() as cursor:
        cursor.execute(statement.sql, [*params, pk])
        return cursor.rowcount
