"""``createapplication``: django-oauth-toolkit's command, replaced.

DOT's own command writes its stock Application fields and made clients with
no grant types and no scopes; this name now registers a client exactly like
``create_client`` (our client model, its validation, the secret shown once).
"""

from __future__ import annotations

from oauth_grants.management.commands import create_client


class Command(create_client.Command):
    help = "The same as create_client (kept for django-oauth-toolkit's name). " + (
        create_client.Command.help
    )
