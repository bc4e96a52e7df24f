"""Redirect URI registration rules (RFC 9700 §2.1, §4.1.3; RFC 8252 §7.3)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOOPBACK_HOSTS = {"127.0.0.1", "[::1]"}
MAX_REDIRECT_URI_LENGTH = 2000


def validate_redirect_uri(uri: str) -> None:
    """Raise ValidationError unless ``uri`` may be registered as a redirect URI.

    Allowed: absolute https URIs, and http only on a loopback address literal
    (RFC 8252 §7.3). Never: fragments (RFC 6749 §3.1.2), wildcards, userinfo,
    or any other scheme (javascript:, data:, file:, ... in any letter case).
    Matching at the authorization endpoint is exact string comparison.
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
    scheme = parts.scheme.lower()
    if scheme not in {"https", "http"}:
        raise ValidationError(
            _("Redirect URIs must use https (http only on loopback); got %(scheme)r.")
            % {"scheme": parts.scheme or "no scheme"}
        )
    if not parts.netloc or not parts.hostname:
        raise ValidationError(_("A redirect URI must be absolute, with a host."))
    if "#" in uri:
        raise ValidationError(_("A redirect URI cannot contain a fragment (#)."))
    if "@" in parts.netloc:
        raise ValidationError(_("A redirect URI cannot contain user information (@)."))
    if port == 0:
        raise ValidationError(_("A redirect URI cannot use port 0."))
    if scheme == "http":
        if parts.netloc.startswith("["):
            host = parts.netloc.split("]")[0] + "]"
        else:
            host = parts.netloc.rsplit(":", 1)[0]
        if host not in LOOPBACK_HOSTS:
            raise ValidationError(
                _(
                    "http is allowed only on loopback (http://127.0.0.1 or "
                    "http://[::1]); use https for %(host)s."
                )
                % {"host": parts.hostname}
            )


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


def parse_redirect_uris(text: str) -> list[str]:
    """Split a whitespace-separated list of redirect URIs, dropping duplicates."""
    seen: list[str] = []
    for uri in text.split():
        if uri not in seen:
            seen.append(uri)
    return seen
