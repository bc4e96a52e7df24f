from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from resource_api.services import operations_sync


class Command(BaseCommand):
    help = (
        "Create a scope-mapping row (with its default scopes) for every API operation."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = operations_sync()
        self.stdout.write(
            "created %d operation(s): %s" % (len(created), " ".join(created))
        )
