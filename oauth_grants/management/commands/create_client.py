from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oauth_grants.models import (
    DEFAULT_ACCESS_TOKEN_LIFETIME,
    DEFAULT_REFRESH_TOKEN_LIFETIME,
    DEFAULT_REFRESH_TOKEN_MAX_LIFETIME,
    Client,
    GrantType,
)
from oauth_grants.services import client_create


def format_validation_error(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            "%s: %s" % (field, " ".join(messages))
            for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "Register an OAuth client. Prints its client_id and, for a confidential "
        "client, its secret: shown this once, stored only as a hash."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--type",
            required=True,
            choices=[Client.CLIENT_CONFIDENTIAL, Client.CLIENT_PUBLIC],
        )
        parser.add_argument(
            "--redirect-uri", action="append", default=[], dest="redirect_uris"
        )
        parser.add_argument(
            "--grant",
            action="append",
            default=[],
            dest="grants",
            choices=GrantType.values,
        )
        parser.add_argument("--scope", action="append", default=[], dest="scopes")
        parser.add_argument("--no-refresh", action="store_true")
        parser.add_argument(
            "--access-token-lifetime", type=int, default=DEFAULT_ACCESS_TOKEN_LIFETIME
        )
        parser.add_argument(
            "--refresh-token-lifetime",
            type=int,
            default=DEFAULT_REFRESH_TOKEN_LIFETIME,
            metavar="SECONDS",
            help="idle lifetime: each refresh moves it forward",
        )
        parser.add_argument(
            "--refresh-token-max-lifetime",
            type=int,
            default=DEFAULT_REFRESH_TOKEN_MAX_LIFETIME,
            metavar="SECONDS",
            help="absolute lifetime of one sign-in's refresh tokens",
        )
        parser.add_argument(
            "--resource-server",
            action="store_true",
            help="may call the introspection endpoint",
        )
        parser.add_argument("--homepage", default="")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["grants"] and not options["resource_server"]:
            raise CommandError("give at least one --grant", returncode=2)
        for name in (
            "access_token_lifetime",
            "refresh_token_lifetime",
            "refresh_token_max_lifetime",
        ):
            if options[name] < 1:
                raise CommandError(
                    "--%s must be a positive number of seconds"
                    % name.replace("_", "-"),
                    returncode=2,
                )
        try:
            client, secret = client_create(
                name=options["name"],
                client_type=options["type"],
                grant_types=options["grants"],
                redirect_uris=options["redirect_uris"],
                scopes=options["scopes"],
                issue_refresh_tokens=not options["no_refresh"],
                access_token_lifetime=options["access_token_lifetime"],
                refresh_token_lifetime=options["refresh_token_lifetime"],
                refresh_token_max_lifetime=options["refresh_token_max_lifetime"],
                is_resource_server=options["resource_server"],
                homepage_url=options["homepage"],
            )
        except ValidationError as exc:
            raise CommandError(format_validation_error(exc), returncode=2) from exc
        result: dict[str, str] = {"client_id": client.client_id}
        if secret is not None:
            result["client_secret"] = secret
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            for key, value in result.items():
                self.stdout.write("%s: %s" % (key, value))
