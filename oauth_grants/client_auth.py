"""Client authentication (RFC 6749 §2.3): one implementation for every endpoint.

The token endpoint's grants, introspection and revocation all authenticate
clients with ``authenticate_client``:

* credentials come from HTTP Basic (``client_secret_basic``) or the body
  (``client_secret_post``), never both at once (RFC 6749 §2.3: one method);
* the secret is checked with the fast salted hash of oauth_grants/hashers.py;
* an unknown or disabled ``client_id`` still costs one hash check against a
  dummy, so timing does not tell which client ids exist.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from typing import TypeGuard
from urllib.parse import unquote_plus

from django.contrib.auth.hashers import check_password, make_password

from oauth_grants.lookups import client_by_id
from oauth_grants.models import Client

MAX_CLIENT_ID_LENGTH = 255
MAX_SECRET_LENGTH = 512
_dummy_hash: list[str] = []


class MalformedCredentials(ValueError):
    """The request carries client credentials that cannot be read."""


class ClientAuthFailed(Exception):
    """Client authentication failed (RFC 6749 §5.2 invalid_client).

    ``client_id`` is the id the request claimed ("" if none could be read)
    and ``client`` the enabled client it names, if any: what the audit
    trail records.
    """

    def __init__(self, client_id: str, client: Client | None = None) -> None:
        super().__init__("client authentication failed")
        self.client_id = client_id
        self.client = client


def plausible(value: object, limit: int) -> TypeGuard[str]:
    return (
        isinstance(value, str)
        and 0 < len(value) <= limit
        and "\x00" not in value
        and value.isprintable()
    )


def parse_client_credentials(
    authorization: str | None, client_id: str | None, client_secret: str | None
) -> tuple[str, str] | None:
    """Return (client_id, secret) from Basic or body; None when there are none.

    Raises MalformedCredentials for unreadable Basic credentials, for Basic
    and body secrets together, for a body client_id that contradicts Basic,
    and for a client_id no client can have.
    """
    if authorization:
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            raise MalformedCredentials("unsupported authorization scheme")
        if client_secret is not None:
            raise MalformedCredentials("more than one authentication method")
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise MalformedCredentials("unreadable Basic credentials") from exc
        basic_id, sep, secret = decoded.partition(":")
        if not sep:
            raise MalformedCredentials("Basic credentials without a colon")
        basic_id, secret = unquote_plus(basic_id), unquote_plus(secret)
        if client_id is not None and client_id != basic_id:
            raise MalformedCredentials("client_id contradicts Basic credentials")
        return _readable_id(basic_id), secret
    if client_secret is not None:
        if client_id is None:
            raise MalformedCredentials("client_secret without client_id")
        return _readable_id(client_id), client_secret
    return None


def _readable_id(client_id: str) -> str:
    """Refuse a client_id no client can have (NUL, control characters, length)
    here, once: every lookup behind this sees only plausible ids, so a NUL that
    PostgreSQL refuses in a text parameter cannot pass for an outage (503)."""
    if not plausible(client_id, MAX_CLIENT_ID_LENGTH):
        raise MalformedCredentials("unreadable client_id")
    return client_id


def load_client(client_id: object) -> Client | None:
    """The enabled client with this id, or None (never raises for odd input).

    One query brings the client and the names of its allowed scopes
    (``Client.allowed_scope_names`` then asks nothing more): the token
    endpoint needs both on every request.
    """
    if not plausible(client_id, MAX_CLIENT_ID_LENGTH):
        return None
    return client_by_id(client_id)


# The clients a request has loaded, by the id it claimed (on the HttpRequest).
LOADED_CLIENTS_ATTRIBUTE = "authserver_loaded_clients"
Loader = Callable[[str], Client | None]


def loaded_clients(request: object) -> dict[str, Client | None]:
    """The clients this request loaded so far, by claimed client_id.

    The endpoint that authenticates a client and the CORS answer to the same
    request (oauth_grants/cors.py) ask for the same row: one load serves
    both. Kept on the request object, so it lives as long as the request.
    """
    found = getattr(request, LOADED_CLIENTS_ATTRIBUTE, None)
    if found is None:
        found = {}
        setattr(request, LOADED_CLIENTS_ATTRIBUTE, found)
    return found


def remembering(load: Loader, loaded: dict[str, Client | None]) -> Loader:
    """``load``, noting each answer in ``loaded`` (``loaded_clients``)."""

    def load_and_remember(client_id: str) -> Client | None:
        client = load(client_id)
        loaded[client_id] = client
        return client

    return load_and_remember


def client_of(request: object, client_id: object) -> Client | None:
    """The client ``client_id``: the one this request loaded, else loaded now."""
    loaded = loaded_clients(request)
    if isinstance(client_id, str) and client_id in loaded:
        return loaded[client_id]
    return load_client(client_id)


def authenticate_client(
    *,
    authorization: str | None,
    client_id: str | None,
    client_secret: str | None,
    allow_public: bool,
    load: Callable[[str], Client | None] = load_client,
) -> Client:
    """The client this request authenticates as; else raise ClientAuthFailed.

    A confidential client proves its secret (Basic or body, never both);
    with ``allow_public`` a public client names itself by ``client_id``
    alone (RFC 6749 §3.2.1), and only when the request carries no
    credentials at all. ``load`` fetches the claimed client (a grant passes
    one that brings the code or refresh token in the same query); it runs
    before the secret is checked, and its answer is used only if the check
    passes.
    """
    try:
        credentials = parse_client_credentials(authorization, client_id, client_secret)
    except MalformedCredentials as exc:
        raise ClientAuthFailed(client_id if isinstance(client_id, str) else "") from exc
    if credentials is not None:
        claimed, secret = credentials
        client = load(claimed) if plausible(claimed, MAX_CLIENT_ID_LENGTH) else None
        if not verify_client_secret(client, secret):
            raise ClientAuthFailed(claimed, client)
        return client  # type: ignore[return-value]  # verified: not None
    claimed = client_id if isinstance(client_id, str) else ""
    if not allow_public or authorization is not None:
        raise ClientAuthFailed(claimed)
    client = load(claimed) if plausible(claimed, MAX_CLIENT_ID_LENGTH) else None
    if client is None or client.is_confidential:
        raise ClientAuthFailed(claimed, client)
    return client


def _dummy_secret_hash() -> str:
    if not _dummy_hash:
        _dummy_hash.append(make_password(uuid.uuid4().hex, hasher="client_sha256"))
    return _dummy_hash[0]


def verify_client_secret(client: Client | None, secret: str) -> bool:
    """True if ``client`` is confidential and ``secret`` is its secret.

    Always runs exactly one hash check, against a dummy when there is no
    client to check, so an unknown client_id costs the same time.
    """
    stored = _dummy_secret_hash()
    usable = False
    if client is not None and client.is_confidential and client.client_secret:
        stored, usable = client.client_secret, True
    well_formed = plausible(secret, MAX_SECRET_LENGTH)
    matches = check_password(secret if well_formed else "", stored)
    return usable and well_formed and matches


def claimed_client_id(
    authorization: str | None, body_client_id: str | None
) -> str | None:
    """The client_id a request claims, unauthenticated: the key for rate limits."""
    try:
        credentials = parse_client_credentials(authorization, None, None)
    except MalformedCredentials:
        return None
    if credentials is not None:
        return credentials[0]
    return body_client_id if plausible(body_client_id, MAX_CLIENT_ID_LENGTH) else None
