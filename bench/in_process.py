"""Django set up inside a benchmark script: the same settings for each.

Production settings with development conveniences the scripts need (no
https redirect, no manifest for static files, quiet logs), on a throw-away
SQLite database unless ``DATABASE_URL`` names one. Call ``django_setup()``
before importing anything that touches Django's settings.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "DJANGO_SETTINGS_MODULE": "authserver.settings",
    "DJANGO_SECRET_KEY": "bench-only",
    "AUTHSERVER_ISSUER": "http://testserver",
    "DJANGO_SECURE": "0",
    "DJANGO_STATIC_MANIFEST": "0",
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "LOG_LEVEL": "WARNING",
    "ACCESS_LOG_LEVEL": "WARNING",
}


def django_setup(**extra: str) -> None:
    """Set the environment (what is already set wins) and ``django.setup()``."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    for key, value in {**DEFAULTS, **extra}.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault(
        "DATABASE_URL", "sqlite:///%s/bench.sqlite3" % tempfile.mkdtemp()
    )
    import django

    django.setup()
