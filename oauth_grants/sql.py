"""Hand-written SQL for the hot paths, with names and conversions from the ORM.

The few statements that run on every token or protected request are written
as text once (oauth_grants/lookups.py, client_auth.load_client): the
ORM spent more time building them than PostgreSQL spent running them. What
keeps them honest is this helper: table and column names come from the
models' metadata, values come back through the same converters the ORM
applies (SQLite's strings to datetimes and booleans, JSON decoded), and rows
become model instances through ``Model.from_db``, as a queryset's would.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model


class Columns:
    """Some columns of one model under a table alias, and the way back to a model."""

    def __init__(self, model: type[Model], alias: str, names: list[str]) -> None:
        self.model = model
        self.alias = alias
        # In the model's field order, the order ``Model.from_db`` expects.
        self.fields = [f for f in model._meta.concrete_fields if f.name in names]
        self.names = [f.name for f in self.fields]
        # Where the primary key is, to tell a row an outer join did not find.
        self.pk_index = next(
            (i for i, f in enumerate(self.fields) if f.primary_key), None
        )

    @property
    def table(self) -> str:
        return "%s %s" % (
            connection.ops.quote_name(self.model._meta.db_table),
            self.alias,
        )

    def column(self, name: str) -> str:
        field = self.model._meta.get_field(name)
        return "%s.%s" % (self.alias, connection.ops.quote_name(field.column))

    def select(self) -> str:
        return ", ".join(self.column(f.name) for f in self.fields)

    def converters(self) -> list[tuple[Any, list[Any]]]:
        """Per column: the expression and the ORM's converters for this vendor."""
        out = []
        for field in self.fields:
            col = field.get_col(self.alias)
            out.append(
                (
                    col,
                    connection.ops.get_db_converters(col)
                    + col.get_db_converters(connection),
                )
            )
        return out

    def convert(self, values: tuple[Any, ...], converters: list) -> list[Any] | None:
        """The values as the ORM would give them (in ``self.fields`` order), or
        None if the row is absent."""
        if values[self.pk_index] is None:  # an outer join found nothing
            return None
        converted = []
        for value, (col, funcs) in zip(values, converters, strict=True):
            for func in funcs:
                value = func(value, col, connection)
            converted.append(value)
        return converted

    def build(self, values: tuple[Any, ...], converters: list) -> Any:
        """The instance these values describe (other fields deferred), or None."""
        converted = self.convert(values, converters)
        if converted is None:
            return None
        return self.model.from_db(
            connection.alias, [f.attname for f in self.fields], converted
        )
