"""The absolute URL of each endpoint, as clients and the metadata name it.

Each is the issuer's scheme and host followed by the path Django reverses
for the view (``oauth_grants/urls.py``, ``app_name = "oauth_grants"``), so
the apps can be included under any prefix, or served under a ``SCRIPT_NAME``,
and the discovery documents (RFC 8414 §2, OpenID Connect Discovery §3) still
name URLs that answer.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import reverse

from oauth_grants.conf import app_settings


def endpoint_url(name: str) -> str:
    """The absolute URL of the view named ``oauth_grants:<name>``."""
    issuer = urlsplit(app_settings.ISSUER)
    path = reverse("oauth_grants:" + name)
    return "%s://%s%s" % (issuer.scheme, issuer.netloc, path)
