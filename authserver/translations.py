"""The message catalogues of the public pages: which sources, made and compiled how.

Two catalogues, each in the ``locale/`` of what owns the strings:

* ``oauth_grants/locale``: the consent, account and error pages, the
  sign-in lockout message and every message the authorization views show a
  person. The admin console's strings are left out (they are for staff and
  stay English), and so are descriptions sent to clients (RFC 6749 asks for
  ASCII there).
* ``locale`` (LOCALE_PATHS): the project's own templates (sign-in, 500, 503).

The compiled ``.mo`` files are committed beside their ``.po``: the wheel and
an install from a checkout carry them without gettext on the building
machine; tests/test_translations.py fails when a ``.mo`` is not what msgfmt
makes of its ``.po``, when a string is untranslated or fuzzy, and when a
catalogue is out of date with the sources.

    python -m authserver.translations update    # makemessages, keep translations
    python -m authserver.translations compile   # compilemessages
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("de", "fr", "es")


@dataclass(frozen=True)
class Catalogue:
    source: str  # relative to the project root; makemessages runs there
    ignore: tuple[str, ...]


CATALOGUES = (
    Catalogue(
        source="oauth_grants",
        ignore=(
            "admin.py",
            "admin_forms.py",
            "admin_tokens.py",
            "audit_text.py",
            "cors.py",
            "resources.py",
            "models.py",
            "checks.py",
            "hashers.py",
            "redirect_uris.py",
            "management/*",
            "migrations/*",
            "templates/admin/*",
            "templatetags/oauth_admin.py",
            "views/admin_settings.py",
        ),
    ),
    Catalogue(
        source=".",
        ignore=(
            "oauth_grants/*",
            "resource_api/*",
            "tests/*",
            "bench/*",
            "docs/*",
            "deploy/*",
            "staticfiles/*",
            ".venv/*",
            "*/node_modules/*",
            "build/*",
        ),
    ),
)


def make_messages(root: Path = ROOT) -> None:
    """Run makemessages for every catalogue under ``root`` (a checkout or a copy)."""
    for catalogue in CATALOGUES:
        folder = root / catalogue.source
        (folder / "locale").mkdir(exist_ok=True)
        command = [sys.executable, str(root / "manage.py"), "makemessages"]
        command += ["--no-obsolete", "--no-location"]
        for language in LANGUAGES:
            command += ["-l", language]
        for pattern in catalogue.ignore:
            command += ["-i", pattern]
        # Our own interpreter and manage.py, fixed arguments: no outside input.
        subprocess.run(command, cwd=folder, check=True, env=_env(root))  # noqa: S603


def compile_messages(root: Path = ROOT) -> None:
    for catalogue in CATALOGUES:
        folder = root / catalogue.source
        command = [sys.executable, str(root / "manage.py"), "compilemessages"]
        for pattern in catalogue.ignore:
            command += ["-i", pattern]
        # Our own interpreter and manage.py, fixed arguments: no outside input.
        subprocess.run(command, cwd=folder, check=True, env=_env(root))  # noqa: S603


def po_files(root: Path = ROOT) -> list[Path]:
    return [
        root / catalogue.source / "locale" / language / "LC_MESSAGES" / "django.po"
        for catalogue in CATALOGUES
        for language in LANGUAGES
    ]


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SECRET_KEY", "makemessages-only")
    env.setdefault("AUTHSERVER_ISSUER", "https://authserver.invalid")
    env["PYTHONPATH"] = str(root)
    return env


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else ""
    if action == "update":
        make_messages()
    elif action == "compile":
        compile_messages()
    else:
        sys.exit("usage: python -m authserver.translations update|compile")
