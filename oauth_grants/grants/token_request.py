"""What the three grants share: the request, client authentication, and the
transaction each grant runs in.

Errors are oauthlib's error classes: each carries the error code and HTTP
status its RFC names (``InvalidGrantError`` is RFC 6749 §5.2
``invalid_grant``, 400; ``InvalidClientError`` is ``invalid_client``, 401),
which is all of oauthlib the token endpoint still uses. Its dispatch, its
request object and its validator callbacks are gone from this path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from django.db import router, transaction
from django.http import HttpRequest
from oauthlib.oauth2.rfc6749 import errors

from oauth_grants.client_address import client_address
from oauth_grants.client_auth import (
    ClientAuthFailed,
    authenticate_client,
    load_client,
    loaded_clients,
    remembering,
)
from oauth_grants.limits import MAX_TOKEN_LENGTH
from oauth_grants.models import AccessToken, Client
from oauth_grants.token_services import client_auth_failure_record
from oauth_grants.tokens import token_digest


@dataclass(frozen=True)
class TokenRequest:
    """A token request's form parameters (each present once: the view checks
    RFC 6749 §3.1), its Authorization header and the caller's address."""

    params: Mapping[str, str]
    authorization: str | None
    remote_addr: str | None
    # The clients loaded while answering, shared with the HttpRequest's
    # (client_auth.loaded_clients), so its CORS answer loads none again.
    loaded: dict[str, Client | None] = field(default_factory=dict, compare=False)

    @classmethod
    def from_http(cls, request: HttpRequest) -> TokenRequest:
        return cls(
            params=request.POST.dict(),
            authorization=request.META.get("HTTP_AUTHORIZATION"),
            remote_addr=client_address(request),
            loaded=loaded_clients(request),
        )

    def get(self, name: str) -> str | None:
        return self.params.get(name)

    def digest_of(self, name: str) -> str | None:
        """The digest of a code or token parameter; None when it is absent or
        longer than any value this server issues."""
        value = self.params.get(name)
        if not value or len(value) > MAX_TOKEN_LENGTH:
            return None
        return token_digest(value)


def authenticated_client(
    request: TokenRequest,
    *,
    allow_public: bool,
    load: Callable[[str], Client | None] = load_client,
) -> Client:
    """The client the request authenticates as (oauth_grants/client_auth.py),
    or ``invalid_client`` (RFC 6749 §5.2, 401) with an audit record."""
    try:
        return authenticate_client(
            authorization=request.authorization,
            client_id=request.get("client_id"),
            client_secret=request.get("client_secret"),
            allow_public=allow_public,
            load=remembering(load, request.loaded),
        )
    except ClientAuthFailed as failed:
        client_auth_failure_record(
            client_id=failed.client_id,
            client=failed.client,
            remote_addr=request.remote_addr,
        )
        raise errors.InvalidClientError() from None


class ClientAndGrant:
    """Loads the client a request claims and, in the same query, the code or
    refresh token it redeems (locked), for ``authenticated_client``.

    ``lookup(client_id, digest)`` answers (client, row) or None; when the
    client has no such row, the client alone is loaded and ``row`` stays
    None. Only rows of the claimed client are ever found, and the caller
    uses ``row`` only once that client has authenticated.
    """

    def __init__(
        self,
        lookup: Callable[[str, str], tuple[Client, Any] | None],
        digest: str | None,
    ) -> None:
        self.lookup = lookup
        self.digest = digest
        self.row: Any = None

    def __call__(self, client_id: str) -> Client | None:
        if self.digest is not None:
            pair = self.lookup(client_id, self.digest)
            if pair is not None:
                client, self.row = pair
                return client
        return load_client(client_id)


def requested_scopes(value: str | None) -> list[str]:
    """RFC 6749 §3.3: space-delimited; an empty list when there are none."""
    return value.strip().split(" ") if value and value.strip() else []


class grant_transaction:  # noqa: N801 - used as a statement, like transaction.atomic
    """The one transaction a grant runs in, on the tokens' database.

    Rows locked in it stay locked until the response is decided, so of
    concurrent redemptions of one code or refresh token exactly one wins. A
    refusal (an oauthlib ``OAuth2Error``) commits what was written before
    it, the audit record and a replay's revocation, then propagates; every
    other exception rolls everything back. Nothing is issued before a
    grant's last check.

    ``one_statement``: the grant locks nothing and its one write is
    ``sql.insert_linked``, atomic by itself (client credentials: the token
    and its audit row, one statement on PostgreSQL), so no transaction is
    opened around it: BEGIN and COMMIT would only add two round trips.
    """

    def __init__(self, *, one_statement: bool = False) -> None:
        self.one_statement = one_statement
        self._atomic: transaction.Atomic | None = None

    def __enter__(self) -> None:
        if self.one_statement:
            return
        self._atomic = transaction.atomic(using=router.db_for_write(AccessToken))
        self._atomic.__enter__()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._atomic is None:
            return
        if isinstance(error, errors.OAuth2Error):
            self._atomic.__exit__(None, None, None)  # commit; the error goes on
            return
        self._atomic.__exit__(kind, error, trace)
