from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("oauth_grants", "0005_admin_console"),
    ]

    operations = [
        migrations.AddField(
            model_name="authorizationcode",
            name="auth_time",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="client",
            name="allowed_resources",
            field=models.TextField(
                blank=True,
                default="",
                help_text="APIs (resource identifiers, RFC 8707) this client may ask tokens for with the resource parameter, space separated.",
            ),
        ),
    ]
