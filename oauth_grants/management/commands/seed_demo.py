"""Demo data for `make run`: users, scopes, clients, and a URL to try the flow.

Safe to run again: users and scopes are kept, demo client secrets are
regenerated (a secret is only ever shown when it is created).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from oauth_grants.client_services import client_create, client_secret_regenerate
from oauth_grants.conf import app_settings
from oauth_grants.endpoints import endpoint_url
from oauth_grants.models import Client, ClientScope, Scope
from oauth_grants.redirect_uris import validate_redirect_uri

DEMO_SCOPES = {
    "openid": "Sign you in and tell the app who you are",
    "profile": "See your name, username and email address",
    "email": "See your email address",
    "documents:read": "Read your documents",
    "documents:write": "Create, change and delete your documents",
}
# What an admin would enter in the Scope admin's language fields.
DEMO_SCOPE_TRANSLATIONS = {
    "openid": {
        "de": "Dich anmelden und der App sagen, wer du bist",
        "fr": "Vous connecter et indiquer à l’application qui vous êtes",
        "es": "Iniciar tu sesión y decir a la aplicación quién eres",
    },
    "profile": {
        "de": "Deinen Namen, Benutzernamen und deine E-Mail-Adresse sehen",
        "fr": "Voir votre nom, votre nom d’utilisateur et votre adresse e-mail",
        "es": "Ver tu nombre, tu nombre de usuario y tu correo electrónico",
    },
    "email": {
        "de": "Deine E-Mail-Adresse sehen",
        "fr": "Voir votre adresse e-mail",
        "es": "Ver tu correo electrónico",
    },
    "documents:read": {
        "de": "Deine Dokumente lesen",
        "fr": "Lire vos documents",
        "es": "Leer tus documentos",
    },
    "documents:write": {
        "de": "Deine Dokumente anlegen, ändern und löschen",
        "fr": "Créer, modifier et supprimer vos documents",
        "es": "Crear, cambiar y borrar tus documentos",
    },
}
DOCS_CLIENT_ID = "api-docs-demo"
CALLBACK = "http://127.0.0.1:8765/callback"


class Command(BaseCommand):
    help = "Create demo users, scopes and clients, and print how to use them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--admin-password", default="admin-demo-password")
        parser.add_argument("--user-password", default="demo-password")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (it resets the users 'admin' and "
            "'demo' to known passwords: never on a real deployment).",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo resets the users 'admin' and 'demo' to known passwords; "
                "it runs only with DEBUG on (DJANGO_DEBUG=1), or with --force."
            )
        users = get_user_model()
        admin, _ = users.objects.get_or_create(
            username="admin", defaults={"email": "admin@example.test"}
        )
        admin.is_staff = admin.is_superuser = True
        admin.set_password(options["admin_password"])
        admin.save()
        demo, _ = users.objects.get_or_create(
            username="demo",
            defaults={
                "email": "demo@example.test",
                "first_name": "Dee",
                "last_name": "Mo",
            },
        )
        demo.set_password(options["user_password"])
        demo.save()
        for name, description in DEMO_SCOPES.items():
            Scope.objects.update_or_create(
                name=name,
                defaults={
                    "description": description,
                    "translations": DEMO_SCOPE_TRANSLATIONS.get(name, {}),
                },
            )

        web, web_secret = self._client(
            "Demo Web App",
            Client.CLIENT_CONFIDENTIAL,
            ["authorization_code", "client_credentials"],
            list(DEMO_SCOPES),
        )
        spa, _ = self._client(
            "Demo Single-Page App",
            Client.CLIENT_PUBLIC,
            ["authorization_code"],
            ["openid", "profile", "documents:read"],
        )
        docs = self._docs_client()
        api, api_secret = self._client(
            "Demo Resource API",
            Client.CLIENT_CONFIDENTIAL,
            [],
            [],
            resource_server=True,
        )

        verifier = secrets.token_urlsafe(48)
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        query = urlencode(
            {
                "response_type": "code",
                "client_id": web.client_id,
                "redirect_uri": CALLBACK,
                "scope": "profile documents:read",
                "state": secrets.token_urlsafe(8),
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        issuer = app_settings.ISSUER
        self._write_resource_server_env(api.client_id, api_secret)
        out = self.stdout.write
        out("")
        out(
            "Admin console:  %s/admin/   admin / %s"
            % (issuer, options["admin_password"])
        )
        out("Demo user:      demo / %s" % options["user_password"])
        out("")
        out("Confidential client 'Demo Web App'")
        out("  client_id:     %s" % web.client_id)
        out("  client_secret: %s" % web_secret)
        out("Public client 'Demo Single-Page App'")
        out("  client_id:     %s" % spa.client_id)
        if docs is not None:
            out("Public client 'API docs (demo)': the Authorize button of")
            out("  %s/api/docs/   client_id: %s" % (issuer, docs.client_id))
        out("Resource server 'Demo Resource API' (introspection)")
        out("  client_id:     %s" % api.client_id)
        out("  client_secret: %s" % api_secret)
        out("")
        token_url = endpoint_url("oauth-token")
        out("Try the authorization code flow: open")
        out("  %s?%s" % (endpoint_url("oauth-authorize"), query))
        out("sign in as demo, approve; the browser goes to %s?code=..." % CALLBACK)
        out("(nothing listens there: copy the code from the address bar), then:")
        out(
            "  curl -s -u '%s:%s' -d grant_type=authorization_code -d code=CODE "
            "-d redirect_uri=%s -d code_verifier=%s %s"
            % (web.client_id, web_secret, CALLBACK, verifier, token_url)
        )
        out("")

    def _docs_client(self) -> Client | None:
        """The API docs' Authorize button (resource_api/docs.py): a public
        client that may only come back to the docs page, PKCE like any other."""
        if not apps.is_installed("resource_api"):
            return None
        from resource_api.conf import api_settings
        from resource_api.docs import docs_redirect_path

        redirect_uri = app_settings.ISSUER + docs_redirect_path()
        try:
            validate_redirect_uri(redirect_uri)
        except ValidationError as exc:
            # An issuer that is neither https nor loopback (a test host name):
            # the rest of the demo is still useful.
            self.stderr.write("API docs client not registered: %s" % exc.messages[0])
            return None
        docs, _ = self._client(
            "API docs (demo)",
            Client.CLIENT_PUBLIC,
            ["authorization_code"],
            ["profile", "documents:read", "documents:write"],
            redirect_uris=[redirect_uri],
            client_id=api_settings.DOCS_CLIENT_ID or DOCS_CLIENT_ID,
        )
        return docs

    def _write_resource_server_env(self, client_id: str, secret: str | None) -> None:
        """For `make run-api`: the demo resource server's credentials (git-ignored)."""
        folder = Path(settings.BASE_DIR) / ".demo"
        folder.mkdir(exist_ok=True)
        path = folder / "resource-server.env"
        path.write_text(
            "RESOURCE_API_CLIENT_ID=%s\nRESOURCE_API_CLIENT_SECRET=%s\n"
            % (client_id, secret)
        )
        path.chmod(0o600)

    def _client(
        self,
        name: str,
        client_type: str,
        grants: list[str],
        scopes: list[str],
        resource_server: bool = False,
        redirect_uris: list[str] | None = None,
        client_id: str | None = None,
    ) -> tuple[Client, str | None]:
        existing = Client.objects.filter(name=name).first()
        if existing is None:
            if redirect_uris is None:
                redirect_uris = [CALLBACK] if "authorization_code" in grants else []
            return client_create(
                name=name,
                client_type=client_type,
                grant_types=grants,
                redirect_uris=redirect_uris,
                scopes=scopes,
                is_resource_server=resource_server,
                client_id=client_id,
            )
        for scope in Scope.objects.filter(name__in=scopes):
            ClientScope.objects.get_or_create(client=existing, scope=scope)
        secret = None
        if existing.is_confidential:
            secret = client_secret_regenerate(client=existing)
        return existing, secret
