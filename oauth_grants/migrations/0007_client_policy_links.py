"""Client privacy-policy and terms links, declined scopes, scope translations.

The consent page links a client's privacy policy and terms of service,
offers a scope the person unticked last time unticked again, and describes
scopes in the person's language (falling back to ``description``).
"""

import oauth_grants.redirect_uris
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('oauth_grants', '0006_client_kinds'),
    ]

    operations = [
        migrations.AddField(
            model_name='client',
            name='privacy_policy_uri',
            field=models.URLField(blank=True, default='', help_text='Linked from the consent page. https (http only on loopback).', max_length=500, validators=[oauth_grants.redirect_uris.validate_policy_uri]),
        ),
        migrations.AddField(
            model_name='client',
            name='terms_of_service_uri',
            field=models.URLField(blank=True, default='', help_text='Linked from the consent page. https (http only on loopback).', max_length=500, validators=[oauth_grants.redirect_uris.validate_policy_uri]),
        ),
        migrations.AddField(
            model_name='consent',
            name='declined_scope',
            field=models.TextField(blank=True, default='', help_text='Scopes the person unticked, space separated: offered unticked.'),
        ),
        migrations.AddField(
            model_name='scope',
            name='translations',
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
