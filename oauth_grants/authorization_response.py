"""Building the redirects of the authorization endpoint (RFC 6749 §4.1.2, RFC 9207)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpResponseRedirect

from oauth_grants.conf import app_settings


def add_query(uri: str, params: dict[str, str]) -> str:
    """Append ``params`` to ``uri``'s query, replacing keys it already has."""
    parts = urlsplit(uri)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k not in params
    ]
    query.extend((k, v) for k, v in params.items() if v is not None)
    return urlunsplit(parts._replace(query=urlencode(query)))


def with_issuer(uri: str) -> str:
    """RFC 9207: every authorization response names its issuer."""
    return add_query(uri, {"iss": app_settings.ISSUER})


class ClientRedirect(HttpResponseRedirect):
    """A redirect to a validated redirect URI, whatever its scheme.

    Django allows http, https and ftp; a native app's registered private-use
    scheme (RFC 8252 §7.1) is allowed too: the URI was matched against the
    client's registration before any redirect is built.
    """

    def __init__(self, uri: str) -> None:
        self.allowed_schemes = [*self.allowed_schemes, urlsplit(uri).scheme]
        super().__init__(uri)


def redirect_to_client(uri: str) -> HttpResponseRedirect:
    return ClientRedirect(with_issuer(uri))


def error_redirect(
    redirect_uri: str, error: str, description: str | None, state: str | None
) -> HttpResponseRedirect:
    """An error for a validated client and redirect URI goes back to the client."""
    params = {"error": error}
    if description:
        params["error_description"] = description
    if state:
        params["state"] = state
    return redirect_to_client(add_query(redirect_uri, params))
