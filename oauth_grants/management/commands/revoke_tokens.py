from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oauth_grants.models import Client
from oauth_grants.services import tokens_revoke


class Command(BaseCommand):
    help = "Revoke every live token of a user or of a client; prints how many."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--user", metavar="USERNAME")
        group.add_argument("--client", metavar="CLIENT_ID")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["user"]:
            users = get_user_model()
            user = users.objects.filter(
                **{users.USERNAME_FIELD: options["user"]}
            ).first()
            if user is None:
                raise CommandError("no user %r" % options["user"], returncode=2)
            count = tokens_revoke(user=user, via="cli")
        else:
            client = Client.objects.filter(client_id=options["client"]).first()
            if client is None:
                raise CommandError("no client %r" % options["client"], returncode=2)
            count = tokens_revoke(client=client, via="cli")
        self.stdout.write("%d token(s) revoked" % count)
