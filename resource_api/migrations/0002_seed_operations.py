"""Seed the operation-to-scope table with the defaults the views declare.

Reads the operations from the API's URLconf (the same code as the
``sync_api_operations`` command); existing rows are left as admins set them.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from resource_api.operations import declared_operations

    ApiOperation = apps.get_model("resource_api", "ApiOperation")
    for declared in declared_operations():
        op = declared.operation
        ApiOperation.objects.get_or_create(
            operation_id=op.operation_id,
            defaults={
                "method": declared.method,
                "path": declared.path,
                "scopes": " ".join(op.default_scopes),
                "per_user": op.per_user,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("resource_api", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
