"""The authorization request behind a page: which app, which language.

The sign-in page is reached with ``next`` pointing at /oauth/authorize, and
the consent form posts back the request it was shown for, signed
(``park``/``unpark``); both pages are about that request, so they name its
client and speak the language its ``ui_locales`` asked for (OpenID Connect
Core §3.1.2.1), before the browser's Accept-Language.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core import signing
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from oauth_grants.models import Client

MAX_UI_LOCALES_LENGTH = 200
# How long a consent page can be answered (a person reading it, not a robot).
PARKED_TTL_SECONDS = 600
PARKED_SALT = "oauth_grants.authorization_context.parked"


def park(parked: dict[str, Any]) -> str:
    """A validated authorization request, signed and timestamped, for the
    consent form to carry back as its ``request_id``.

    It used to be parked in the session under a random id; that made every
    consent page a session write (an UPDATE and a cache write), the costliest
    part of showing it. Signed with the ``SECRET_KEY`` (HMAC-SHA256, a salt
    of its own), it cannot be altered or made up in the form any more than
    the id could, and it holds only what the person's own browser sent. One
    answer per request is kept by the view (``AuthorizeView.post``).
    """
    return signing.dumps(parked, salt=PARKED_SALT, compress=True)


def answered_request(request: HttpRequest) -> dict[str, Any] | None:
    """``unpark`` of the ``request_id`` a consent form posted, checked once
    per request: the language middleware and the view both need it."""
    if not hasattr(request, "_authserver_answered"):
        request._authserver_answered = unpark(  # type: ignore[attr-defined]
            request.POST.get("request_id")
        )
    return request._authserver_answered  # type: ignore[attr-defined]


def unpark(value: object) -> dict[str, Any] | None:
    """The request ``park`` signed, if ``value`` is one and younger than
    ``PARKED_TTL_SECONDS``; else None."""
    if not isinstance(value, str) or not value or len(value) > 65536:
        return None
    try:
        found = signing.loads(value, salt=PARKED_SALT, max_age=PARKED_TTL_SECONDS)
    except signing.BadSignature:  # also SignatureExpired
        return None
    return found if isinstance(found, dict) else None


def authorization_params(url: str) -> dict[str, str] | None:
    """The query of ``url`` if it is this server's authorization endpoint."""
    if not isinstance(url, str) or len(url) > 8000:
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or parts.path != person_paths()[0]:
        return None
    query = parse_qs(parts.query, keep_blank_values=True)
    return {key: values[0] for key, values in query.items() if len(values) == 1}


def sign_in_client(*, next_url: str) -> Client | None:
    """The enabled client whose authorization request sent the person to sign in."""
    params = authorization_params(next_url) or {}
    client_id = params.get("client_id", "")
    if not client_id or len(client_id) > 100:
        return None
    return Client.objects.filter(client_id=client_id, enabled=True).first()


def language_from_ui_locales(value: object) -> str | None:
    """The first supported language of a space-separated ui_locales list."""
    if not isinstance(value, str):
        return None
    for tag in value[:MAX_UI_LOCALES_LENGTH].split():
        try:
            return translation.get_supported_language_variant(tag)
        except LookupError:
            continue
    return None


# Reversed once per process (a lookup on every request would cost more than
# the rest of this middleware); cleared when a test changes ROOT_URLCONF.
_person_paths: dict[str, tuple[str, str, tuple[str, ...]]] = {}


def person_paths() -> tuple[str, str, tuple[str, ...]]:
    """(authorization endpoint, sign-in page, every path prefix a person reads)."""
    found = _person_paths.get("paths")
    if found is not None:
        return found

    def path_of(name: str) -> str | None:
        try:
            return reverse(name)
        except NoReverseMatch:
            return None

    authorize = path_of("oauth_grants:oauth-authorize") or ""
    login = path_of("login") or ""
    prefixes = [authorize, login, path_of("logout")]
    apps = path_of("oauth_grants:account-apps")
    prefixes.append(apps.rstrip("/").rsplit("/", 1)[0] + "/" if apps else None)
    prefixes += [path_of("api-docs"), path_of("api-schema")]
    found = (authorize, login, tuple(p for p in prefixes if p))
    _person_paths["paths"] = found
    return found


@receiver(setting_changed)
def _urlconf_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "ROOT_URLCONF":
        _person_paths.clear()


def requested_ui_locales(request: HttpRequest) -> str | None:
    """ui_locales of the authorization request this request belongs to, if any."""
    authorize, login, _prefixes = person_paths()
    if request.path == authorize:
        if request.method == "GET":
            return request.GET.get("ui_locales")
        answered = answered_request(request)
        return answered.get("ui_locales") if answered is not None else None
    if request.path == login:
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        return (authorization_params(next_url) or {}).get("ui_locales")
    return None


class PersonLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (Accept-Language) on the pages a person reads,
    with the authorization request's ui_locales first.

    Token, introspection, revocation, the API and the admin console are left
    alone: machines read them (and pay nothing for it), and the admin
    console stays in one language, English, rather than Django's chrome
    translated around our untranslated labels.
    """

    def process_request(self, request: HttpRequest) -> None:
        if not request.path.startswith(person_paths()[2]):
            return
        super().process_request(request)
        language = language_from_ui_locales(requested_ui_locales(request))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not request.path.startswith(person_paths()[2]):
            return response
        response = super().process_response(request, response)
        # The language is per thread: give the next request, whatever its
        # path, the default again (Django's LocaleMiddleware, on every path,
        # never needs to).
        translation.deactivate()
        return response
