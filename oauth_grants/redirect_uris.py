"""Redirect URI registration and matching rules (RFC 9700 §2.1, §4.1.3; RFC 8252).

Three kinds of redirect URI may be registered:

* web: an absolute https URI (also a native app's claimed https URI, RFC
  8252 §7.2), matched exactly;
* loopback: ``http://127.0.0.1/...`` or ``http://[::1]/...`` (RFC 8252
  §7.3). The port is chosen by the app's operating system at run time, so
  any port matches; scheme, address, path and query must still be exact.
  ``localhost`` is refused (§8.3: a name can resolve elsewhere, and a
  listener on it can be shadowed by another process);
* private-use scheme: ``com.example.app:/callback`` (RFC 8252 §7.1), the
  reverse-DNS name of a domain the developer controls (it has a dot), for
  public (native) clients only; matched exactly.

Never: fragments (RFC 6749 §3.1.2), wildcards, userinfo, ``javascript:``,
``data:``, ``file:`` or any other scheme without a dot.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOOPBACK_HOSTS = {"127.0.0.1", "[::1]"}
MAX_REDIRECT_URI_LENGTH = 2000
# RFC 3986 §3.1 scheme, with at least one dot (RFC 8252 §7.1: reverse DNS).
PRIVATE_USE_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+$")

WEB = "web"
LOOPBACK = "loopback"
PRIVATE_USE = "private-use scheme"
KIND_DESCRIPTIONS = {
    WEB: "web (https, matched exactly)",
    LOOPBACK: "native app, loopback (any port; path and query matched exactly)",
    PRIVATE_USE: "native app, private-use URI scheme (matched exactly)",
}


def _host(parts: SplitResult) -> str:
    """The netloc's host as written: ``[::1]`` keeps its brackets."""
    if parts.netloc.startswith("["):
        return parts.netloc.split("]")[0] + "]"
    return parts.netloc.rsplit(":", 1)[0]


def redirect_uri_kind(uri: str) -> str:
    """The kind of an already valid redirect URI: WEB, LOOPBACK or PRIVATE_USE."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme == "https":
        return WEB
    if scheme == "http":
        return LOOPBACK
    return PRIVATE_USE


def describe_redirect_uri(uri: str) -> str:
    """``uri`` followed by the kind it is registered as, for admins."""
    return "%s: %s" % (uri, KIND_DESCRIPTIONS[redirect_uri_kind(uri)])


def _validate_private_use(uri: str, parts: SplitResult, *, public: bool) -> None:
    scheme = parts.scheme.lower()
    if not PRIVATE_USE_SCHEME_RE.match(scheme):
        raise ValidationError(
            _(
                "Redirect URIs must use https (http only on loopback, or a "
                "private-use scheme such as com.example.app:/callback); "
                "got %(scheme)r."
            )
            % {"scheme": parts.scheme or "no scheme"}
        )
    if not public:
        raise ValidationError(
            _(
                "%(uri)s is a private-use URI scheme (native app): only a public "
                "client may register one (RFC 8252 §8.4: any app can claim it)."
            )
            % {"uri": uri}
        )
    if parts.netloc or not parts.path.startswith("/"):
        raise ValidationError(
            _(
                "A private-use redirect URI has the form %(example)s: the scheme, "
                "one slash and a path (RFC 8252 §7.1)."
            )
            % {"example": scheme + ":/callback"}
        )


def validate_redirect_uri(uri: str, *, public: bool = False) -> None:
    """Raise ValidationError unless ``uri`` may be registered as a redirect URI.

    ``public``: the client is public, so it may register a private-use scheme.
    Messages name the kind a URI was taken for (web, loopback, private-use).
    """
    if not uri or len(uri) > MAX_REDIRECT_URI_LENGTH:
        raise ValidationError(_("A redirect URI must be 1 to 2000 characters long."))
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in uri):
        raise ValidationError(
            _("A redirect URI cannot contain spaces or control characters.")
        )
    if "*" in uri:
        raise ValidationError(_("A redirect URI cannot contain a wildcard (*)."))
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(_("%(uri)s is not a valid URI.") % {"uri": uri}) from exc
    if "#" in uri:
        raise ValidationError(_("A redirect URI cannot contain a fragment (#)."))
    scheme = parts.scheme.lower()
    if scheme not in {"https", "http"}:
        _validate_private_use(uri, parts, public=public)
        return
    if not parts.netloc or not parts.hostname:
        raise ValidationError(_("A redirect URI must be absolute, with a host."))
    if "@" in parts.netloc:
        raise ValidationError(_("A redirect URI cannot contain user information (@)."))
    if port == 0:
        raise ValidationError(_("A redirect URI cannot use port 0."))
    if scheme == "http" and _host(parts) not in LOOPBACK_HOSTS:
        if parts.hostname == "localhost":
            raise ValidationError(
                _(
                    "http://localhost is refused (RFC 8252 §8.3); a native app's "
                    "loopback redirect uses http://127.0.0.1 or http://[::1]."
                )
            )
        raise ValidationError(
            _(
                "http is allowed only on loopback (http://127.0.0.1 or "
                "http://[::1]); use https for %(host)s."
            )
            % {"host": parts.hostname}
        )


def redirect_uri_matches(registered: str, presented: str) -> bool:
    """Does ``presented`` match the registered URI (RFC 9700 §4.1.3)?

    Exact string comparison, except that a registered loopback URI matches
    the same URI on any port (RFC 8252 §7.3).
    """
    if presented == registered:
        return True
    if not registered.startswith("http://") or not presented.startswith("http://"):
        return False
    want, got = urlsplit(registered), urlsplit(presented)
    host = _host(want)
    if host not in LOOPBACK_HOSTS:
        return False
    port = re.fullmatch(re.escape(host) + r"(?::([1-9][0-9]{0,4}))?", got.netloc)
    if port is None or int(port.group(1) or 80) > 65535:
        return False
    if "#" in presented or ("?" in presented) != ("?" in registered):
        return False
    return got.scheme == "http" and (got.path, got.query) == (want.path, want.query)


def validate_policy_uri(uri: str) -> None:
    """A link shown to the person (privacy policy, terms): https, or http on loopback.

    The consent page shows it as a link, so only a web address the person can
    open safely is accepted: never javascript:, data: or a plain-http page
    another network could rewrite.
    """
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValidationError(_("%(uri)s is not a valid URI.") % {"uri": uri}) from exc
    scheme = parts.scheme.lower()
    host = parts.netloc.rsplit("@", 1)[-1]
    if host.startswith("["):
        host = host.split("]")[0] + "]"
    else:
        host = host.rsplit(":", 1)[0]
    if not parts.hostname or "@" in parts.netloc:
        raise ValidationError(_("The address must be absolute, with a host."))
    if scheme == "https" or (scheme == "http" and host in LOOPBACK_HOSTS):
        return
    raise ValidationError(_("Use an https address (http only on 127.0.0.1 or [::1])."))


def parse_uri_list(text: str) -> list[str]:
    """Split a whitespace-separated list (redirect URIs, origins, resource
    identifiers: how the client's policy stores each), dropping duplicates."""
    return list(dict.fromkeys(text.split()))


parse_redirect_uris = parse_uri_list
