"""Drop the LIKE-only copies of the token checksum and code digest indexes.

On PostgreSQL Django gives every unique CharField a second index with
``varchar_pattern_ops``, for ``LIKE 'prefix%'`` queries. Digests are only
ever matched exactly (the unique index serves that), so the copy was pure
cost on the hottest writes: one more index to update on every token and
code insert, and a second candidate the planner weighed (and even chose) on
every lookup. A later migration that alters either field would make Django
create the copy again; drop it again there.
"""

from django.db import migrations

PATTERN_INDEXES = [("accesstoken", "token_checksum"), ("authorizationcode", "code")]


def _indexes(apps, schema_editor):
    for model_name, field_name in PATTERN_INDEXES:
        model = apps.get_model("oauth_grants", model_name)
        table = model._meta.db_table
        column = model._meta.get_field(field_name).column
        name = schema_editor._create_index_name(table, [column], suffix="_like")
        yield schema_editor.quote_name(name), schema_editor.quote_name(
            table
        ), schema_editor.quote_name(column)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in _indexes(apps, schema_editor):
        schema_editor.execute("DROP INDEX IF EXISTS %s" % name)


def recreate(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in _indexes(apps, schema_editor):
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS %s ON %s (%s varchar_pattern_ops)"
            % (name, table, column)
        )


class Migration(migrations.Migration):
    dependencies = [("oauth_grants", "0001_initial")]

    operations = [migrations.RunPython(drop, recreate)]
