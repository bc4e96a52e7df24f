from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oauth_grants.client_services import client_create
from oauth_grants.models import (
    DEFAULT_ACCESS_TOKEN_LIFETIME,
    DEFAULT_REFRESH_TOKEN_LIFETIME,
    DEFAULT_REFRESH_TOKEN_MAX_LIFETIME,
    Client,
    GrantType,
)
from oauth_grants.redirect_uris import describe_redirect_uri


def format_validation_error(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            "%s: %s" % (field, " ".join(messages))
            for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


# RFC 7591 lists refresh_token as a grant type; here refresh tokens follow
# the client's refresh policy (--no-refresh), so naming it changes nothing.
REFRESH_TOKEN = "refresh_token"


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
            "--redirect-uri",
            action="append",
            default=[],
            dest="redirect_uris",
            help=(
                "repeatable. https (web, or a native app's claimed URI); "
                "http://127.0.0.1/PATH or http://[::1]/PATH (native app: any "
                "port matches); com.example.app:/PATH (native app, public "
                "clients only)"
            ),
        )
        parser.add_argument(
            "--grant",
            action="append",
            default=[],
            dest="grants",
            choices=[*GrantType.values, REFRESH_TOKEN],
            help=(
                "repeatable. refresh_token is accepted and changes nothing: "
                "refresh tokens are issued unless --no-refresh is given"
            ),
        )
        parser.add_argument(
            "--allowed-origin",
            action="append",
            default=[],
            dest="allowed_origins",
            help=(
                "repeatable. A browser app's origin (scheme://host[:port]; "
                "https, or http on loopback) allowed to call the token, "
                "revocation and userinfo endpoints (CORS)"
            ),
        )
        parser.add_argument(
            "--post-logout-redirect-uri",
            action="append",
            default=[],
            dest="post_logout_redirect_uris",
            help="repeatable. Where sign-out may send the person back to",
        )
        parser.add_argument(
            "--resource",
            action="append",
            default=[],
            dest="allowed_resources",
            help=(
                "repeatable. An API (resource identifier, RFC 8707) this client "
                "may ask tokens for"
            ),
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
        parser.add_argument(
            "--privacy-policy-uri",
            default="",
            metavar="URI",
            help="linked from the consent page (https; http only on loopback)",
        )
        parser.add_argument(
            "--terms-of-service-uri",
            default="",
            metavar="URI",
            help="linked from the consent page (https; http only on loopback)",
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        grants = [grant for grant in options["grants"] if grant != REFRESH_TOKEN]
        if REFRESH_TOKEN in options["grants"] and options["no_refresh"]:
            raise CommandError(
                "--grant refresh_token and --no-refresh contradict each other",
                returncode=2,
            )
        if not grants and not options["resource_server"]:
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
                grant_types=grants,
                redirect_uris=options["redirect_uris"],
                scopes=options["scopes"],
                issue_refresh_tokens=not options["no_refresh"],
                access_token_lifetime=options["access_token_lifetime"],
                refresh_token_lifetime=options["refresh_token_lifetime"],
                refresh_token_max_lifetime=options["refresh_token_max_lifetime"],
                is_resource_server=options["resource_server"],
                homepage_url=options["homepage"],
                allowed_origins=options["allowed_origins"],
                post_logout_redirect_uris=options["post_logout_redirect_uris"],
                allowed_resources=options["allowed_resources"],
                privacy_policy_uri=options["privacy_policy_uri"],
                terms_of_service_uri=options["terms_of_service_uri"],
            )
        except ValidationError as exc:
            raise CommandError(format_validation_error(exc), returncode=2) from exc
        result: dict[str, Any] = {"client_id": client.client_id}
        if secret is not None:
            result["client_secret"] = secret
        kinds = [describe_redirect_uri(uri) for uri in client.redirect_uri_list]
        if options["json"]:
            self.stdout.write(json.dumps({**result, "redirect_uris": kinds}))
        else:
            for key, value in result.items():
                self.stdout.write("%s: %s" % (key, value))
            for line in kinds:
                self.stdout.write("redirect_uri: %s" % line)
