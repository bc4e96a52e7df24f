"""Test-run environment: a pytest plugin (-p), loaded before Django's settings.

The values that weaken production defaults are named here on purpose: plain
HTTP (DJANGO_SECURE=0) because the test client and the live servers speak
HTTP on loopback, and unhashed static names because tests do not run
collectstatic.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("AUTHSERVER_ISSUER", "http://testserver")
os.environ.setdefault("DJANGO_SECURE", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
