"""Cost of one client-secret check: our hasher against Django's default PBKDF2.

Run: DJANGO_DEBUG=1 .venv/bin/python bench/client_secret_check.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "authserver.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import check_password, make_password  # noqa: E402


def per_check(encoded: str, secret: str, rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        check_password(secret, encoded)
    return (time.perf_counter() - start) / rounds


if __name__ == "__main__":
    secret = "s" * 64
    fast = per_check(make_password(secret, hasher="client_sha256"), secret, 20000)
    slow = per_check(make_password(secret), secret, 5)
    print("client_sha256 (ours):  %8.1f us per check" % (fast * 1e6))
    print("PBKDF2 (DOT default):  %8.1f us per check" % (slow * 1e6))
    print("ratio:                 %8.0fx" % (slow / fast))
