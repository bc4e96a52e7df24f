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
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, models, router, transaction
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
    statement, python_values, instance = _insert_params(conn, model, values)
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
    return _loaded(conn, model, statement, instance, values, python_values, pk)


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


class _FirstPk:
    """The primary key of the first row ``insert_linked`` writes: the value of
    a foreign key to it in a later row."""

    def __repr__(self) -> str:
        return "FIRST_PK"


FIRST_PK: Any = _FirstPk()


@dataclass(frozen=True)
class WithFirstPk:
    """A JSON object column value that also gets ``key``: the first row's pk."""

    value: dict[str, Any]
    key: str


@dataclass(frozen=True)
class RowUpdate:
    """An UPDATE by primary key to run with ``insert_linked``'s inserts."""

    model: type[Model]
    pk: Any
    values: dict[str, Any]
    unless_set: str | None = None  # as ``update_row``'s


class _LinkedInsert:
    """One statement for a request's writes (PostgreSQL): a row, rows that
    point at it, and UPDATEs by primary key, as data-modifying CTEs.

    ``shape`` says per later row which columns take the first row's pk
    (``FIRST_PK``) and which JSON column gets it under a key; every other
    value is a parameter. In VALUES, so each parameter takes its column's
    type; a later row reads the first's pk with a scalar subquery of the
    first CTE's RETURNING.
    """

    def __init__(
        self,
        conn: BaseDatabaseWrapper,
        first: type[Model],
        rest: tuple[tuple[type[Model], tuple[str, ...], tuple[str, ...]], ...],
        updates: tuple[tuple[type[Model], tuple[str, ...], str | None], ...],
    ) -> None:
        quote = conn.ops.quote_name
        self.first = for_vendor(_InsertStatement, conn, first)
        # Only quoted identifiers are formatted in; every value is a parameter.
        first_pk = "(SELECT %s FROM r0)" % quote(pk_column_of(first))  # noqa: S608
        parts = [
            "r0 AS (%s)" % self.first.sql,
        ]
        self.rest = []
        for index, (model, linked, json_keys) in enumerate(rest, start=1):
            statement = for_vendor(_InsertStatement, conn, model)
            placeholders = []
            for field in statement.fields:
                called = {field.name, field.attname}  # given either way
                if called & set(linked):
                    placeholders.append(first_pk)
                elif called & set(json_keys):
                    placeholders.append(
                        "(%%s::jsonb || jsonb_build_object(%%s::text, %s))" % first_pk
                    )
                else:
                    placeholders.append("%s")
            # Only quoted identifiers are formatted in; every value is a parameter.
            parts.append(
                "r%d AS (INSERT INTO %s (%s) VALUES (%s))"  # noqa: S608
                % (
                    index,
                    quote(table_of(model)),
                    ", ".join(quote(str(f.column)) for f in statement.fields),
                    ", ".join(placeholders),
                )
            )
            self.rest.append(statement)
        self.updates = []
        for index, (model, names, unless_set) in enumerate(updates):
            update = for_vendor(_UpdateStatement, conn, model, names, unless_set)
            parts.append("u%d AS (%s)" % (index, update.sql))
            self.updates.append(update)
        self.sql = "WITH %s SELECT %s FROM r0" % (  # noqa: S608
            ", ".join(parts),
            quote(pk_column_of(first)),
        )


def _insert_params(
    conn: BaseDatabaseWrapper, model: type[Model], values: dict[str, Any]
) -> tuple[_InsertStatement, list[Any], Model | None]:
    """The statement for ``model``, its Python values in column order, and the
    instance when only building one could tell them (``insert_row``)."""
    statement = for_vendor(_InsertStatement, conn, model)
    python_values = statement.values(values)
    instance = None
    if python_values is None:
        instance = model(**values)
        python_values = [field.pre_save(instance, True) for field in statement.fields]
    return statement, python_values, instance


def insert_linked(
    first: tuple[type[Model], dict[str, Any]],
    *rest: tuple[type[Model], dict[str, Any]],
    updates: tuple[RowUpdate, ...] = (),
) -> Any:
    """Insert ``first``, then each of ``rest`` (whose values may name
    ``FIRST_PK`` or a ``WithFirstPk`` JSON object), and run ``updates``;
    return ``first`` as a loaded instance.

    Atomic by itself on every database: on PostgreSQL one statement, one
    round trip (``_LinkedInsert``): a token request's token rows, its audit
    event and its code redemption; elsewhere (SQLite) the same rows, one
    statement each, in a transaction of their own or the caller's. Values
    are what ``Model.save()`` would store, as with ``insert_row``; no
    signals. All rows go to the database the routers pick
    for ``first``'s model.
    """
    model, values = first
    conn = connection_for_write(model)
    if conn.vendor != "postgresql" or not all(
        for_vendor(_InsertStatement, conn, m).fast for m, _v in rest
    ):
        return _insert_linked_one_by_one(first, rest, updates)
    shape = tuple(
        (
            m,
            tuple(name for name, value in v.items() if value is FIRST_PK),
            tuple(name for name, value in v.items() if isinstance(value, WithFirstPk)),
        )
        for m, v in rest
    )
    update_shape = tuple((u.model, tuple(u.values), u.unless_set) for u in updates)
    statement = for_vendor(_LinkedInsert, conn, model, shape, update_shape)
    first_statement, python_values, instance = _insert_params(conn, model, values)
    params = [
        field.get_db_prep_save(value, conn)
        for field, value in zip(first_statement.fields, python_values, strict=True)
    ]
    for (_model, row_values), row_statement in zip(rest, statement.rest, strict=True):
        row_python = row_statement.values(row_values)
        assert row_python is not None  # checked above: every later row is fast
        for field, value in zip(row_statement.fields, row_python, strict=True):
            if value is FIRST_PK:
                continue
            if isinstance(value, WithFirstPk):
                params.append(field.get_db_prep_save(value.value, conn))
                params.append(value.key)
                continue
            params.append(field.get_db_prep_save(value, conn))
    for update, update_statement in zip(updates, statement.updates, strict=True):
        params.extend(
            field.get_db_prep_save(update.values[field.name], conn)
            for field in update_statement.fields
        )
        params.append(update.pk)
    with conn.cursor() as cursor:
        cursor.execute(statement.sql, params)
        pk = cursor.fetchone()[0]
    return _loaded(conn, model, first_statement, instance, values, python_values, pk)


def _loaded(
    conn: BaseDatabaseWrapper,
    model: type[Model],
    statement: _InsertStatement,
    instance: Model | None,
    values: dict[str, Any],
    python_values: list[Any],
    pk: Any,
) -> Any:
    if instance is None and statement.pk_first:
        # Positional from_db: the cheap way Django builds a loaded row.
        return model.from_db(conn.alias, statement.attnames, [pk, *python_values])
    if instance is None:
        instance = model(**values)
    instance.pk = pk
    mark_loaded(instance, conn.alias)
    return instance


def _insert_linked_one_by_one(
    first: tuple[type[Model], dict[str, Any]],
    rest: tuple[tuple[type[Model], dict[str, Any]], ...],
    updates: tuple[RowUpdate, ...],
) -> Any:
    model, values = first
    # Inside the caller's transaction no savepoint of its own: the request
    # fails as a whole anyway, and a savepoint is two statements more.
    alias = connection_for_write(model).alias
    with transaction.atomic(using=alias, savepoint=False):
        for update in updates:
            update_row(
                update.model, update.pk, unless_set=update.unless_set, **update.values
            )
        row = insert_row(model, **values)
        for row_model, row_values in rest:
            filled = {}
            for name, value in row_values.items():
                if value is FIRST_PK:
                    value = row.pk
                elif isinstance(value, WithFirstPk):
                    value = {**value.value, value.key: row.pk}
                filled[name] = value
            insert_row(row_model, **filled)
    return row
