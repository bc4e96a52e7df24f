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


def _test_signing_keys() -> None:
    """Throw-away RSA keys for OpenID Connect, made once per test run."""
    import tempfile

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    if os.environ.get("AUTHSERVER_OIDC_PRIVATE_KEY_FILE"):
        return
    folder = tempfile.mkdtemp(prefix="authserver-test-keys-")
    pems = []
    for _ in range(2):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pems.append(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode()
        )
    current = os.path.join(folder, "current.pem")
    nxt = os.path.join(folder, "next.pem")
    with open(current, "w") as handle:
        handle.write(pems[0])
    with open(nxt, "w") as handle:
        handle.write(pems[1])
    os.environ["AUTHSERVER_OIDC_PRIVATE_KEY_FILE"] = current
    os.environ["AUTHSERVER_OIDC_PUBLISHED_KEYS_FILE"] = nxt


_test_signing_keys()
