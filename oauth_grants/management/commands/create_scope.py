from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oauth_grants.client_services import scope_create


class Command(BaseCommand):
    help = "Define a scope: its name and the description the consent page shows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--description", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scope = scope_create(
                name=options["name"], description=options["description"]
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(
                    "%s: %s" % (k, " ".join(v)) for k, v in exc.message_dict.items()
                ),
                returncode=2,
            ) from exc
        self.stdout.write("created scope %s" % scope.name)
