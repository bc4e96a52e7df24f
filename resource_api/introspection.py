"""Stage 8, resource side: asking whether a bearer token is good.

Two backends, chosen by RESOURCE_API["INTROSPECTION_BACKEND"]:

* ``local``: in-process, one query through oauth_grants.selectors (one
  deployment that is both authorization server and API);
* ``remote``: RFC 7662 over HTTP with this resource server's credentials,
  with a timeout and a cache whose entries never outlive the token and live
  at most CACHE_SECONDS: the bound on how late a revocation is noticed.

Anything that prevents an answer raises IntrospectionUnavailable, which the
API turns into 503: an unreachable authorization server never lets a
request through.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from django.core.cache import cache
from django.db import DatabaseError

from resource_api.conf import api_settings

log = logging.getLogger(__name__)
CACHE_PREFIX = "resource_api:introspect:"


class IntrospectionUnavailable(Exception):
    """The token's status could not be established."""


@dataclass(frozen=True)
class TokenInfo:
    active: bool
    scopes: frozenset[str] = field(default_factory=frozenset)
    client_id: str = ""
    sub: str | None = None
    username: str = ""
    email: str = ""
    name: str = ""
    exp: int = 0
    audience: tuple[str, ...] = ()  # RFC 7662 aud: the APIs the token is for

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> TokenInfo:
        if claims.get("active") is not True:
            return INACTIVE
        try:
            exp = int(claims.get("exp") or 0)
        except (TypeError, ValueError):
            return INACTIVE
        if exp and exp <= time.time():
            return INACTIVE
        scope = claims.get("scope") or ""
        return cls(
            active=True,
            scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(),
            client_id=str(claims.get("client_id") or ""),
            sub=str(claims["sub"]) if claims.get("sub") is not None else None,
            username=str(claims.get("username") or ""),
            email=str(claims.get("email") or ""),
            name=str(claims.get("name") or ""),
            exp=exp,
            audience=_audience(claims.get("aud")),
        )


INACTIVE = TokenInfo(active=False)


def _audience(aud: object) -> tuple[str, ...]:
    """RFC 7662 §2.2 ``aud``: a string or an array of strings."""
    if isinstance(aud, str):
        return (aud,)
    if isinstance(aud, list):
        return tuple(str(value) for value in aud)
    return ()


class LocalIntrospection:
    def introspect(self, token: str) -> TokenInfo:
        from oauth_grants.selectors import access_token_active

        try:
            row = access_token_active(value=token)
        except DatabaseError as exc:
            raise IntrospectionUnavailable("database unavailable") from exc
        if row is None:
            return INACTIVE
        user = row.user
        return TokenInfo(
            active=True,
            scopes=frozenset(row.scope.split()),
            client_id=row.client_id,
            sub=str(user.pk) if user is not None else None,
            username=user.get_username() if user is not None else "",
            email=getattr(user, "email", "") if user is not None else "",
            name=user.get_full_name() if user is not None else "",
            exp=int(row.expires.timestamp()),
            audience=row.audience,
        )


class RemoteIntrospection:
    """RFC 7662 at the authorization server, its answers cached in two tiers.

    An answer is kept until ``until`` = fetched + CACHE_SECONDS (never past
    the token's exp): in this process (a bounded dict, no round trip at
    all) and in the shared cache (one Redis GET, shared by every process).
    Both tiers keep the same ``until``, so a revocation is noticed within
    CACHE_SECONDS wherever the answer was cached.
    """

    _session: requests.Session | None = None
    # key -> (until, claims); FIFO-bounded to LOCAL_ENTRIES.
    _local: dict[str, tuple[float, dict[str, Any]]] = {}
    LOCAL_ENTRIES = 10_000

    @classmethod
    def session(cls) -> requests.Session:
        if cls._session is None:
            cls._session = requests.Session()
        return cls._session

    @classmethod
    def local_cache_clear(cls) -> None:
        cls._local.clear()

    @classmethod
    def session_close(cls) -> None:
        """Close the pooled keep-alive connections to the authorization
        server (a test's live server is about to stop; the next call opens
        new ones)."""
        if cls._session is not None:
            cls._session.close()
            cls._session = None

    def introspect(self, token: str) -> TokenInfo:
        key = (
            CACHE_PREFIX + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
        )
        now = time.time()
        entry = self._local.get(key)
        if entry is None or entry[0] <= now:
            entry = self._shared_get(key)
        if entry is not None and entry[0] > now:
            return TokenInfo.from_claims(entry[1])
        claims = self._ask(token)
        info = TokenInfo.from_claims(claims)
        until = now + api_settings.CACHE_SECONDS
        if info.active and info.exp:
            until = min(until, info.exp)
        if until > now:
            entry = (until, claims if info.active else {"active": False})
            self._remember(key, entry)
            try:
                cache.set(key, entry, max(1, int(until - now)))
            except Exception:  # noqa: BLE001 - caching is an optimisation only
                log.warning("introspection cache unavailable", exc_info=True)
        return info

    def _shared_get(self, key: str) -> tuple[float, dict[str, Any]] | None:
        try:
            entry = cache.get(key)
        except Exception:  # noqa: BLE001 - a broken cache is a miss, never a pass
            log.warning("introspection cache unavailable", exc_info=True)
            return None
        if not isinstance(entry, tuple) or len(entry) != 2:
            return None
        self._remember(key, entry)
        return entry

    def _remember(self, key: str, entry: tuple[float, dict[str, Any]]) -> None:
        local = self._local
        if len(local) >= self.LOCAL_ENTRIES and key not in local:
            local.pop(next(iter(local)), None)
        local[key] = entry

    def _ask(self, token: str) -> dict[str, Any]:
        try:
            response = self.session().post(
                api_settings.INTROSPECTION_URL,
                data={"token": token, "token_type_hint": "access_token"},
                auth=(api_settings.CLIENT_ID, api_settings.CLIENT_SECRET),
                timeout=api_settings.TIMEOUT_SECONDS,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise IntrospectionUnavailable("authorization server unreachable") from exc
        if response.status_code != 200:
            log.warning("introspection answered %s", response.status_code)
            raise IntrospectionUnavailable("introspection refused")
        try:
            claims = response.json()
        except ValueError as exc:
            raise IntrospectionUnavailable("introspection answer unreadable") from exc
        if not isinstance(claims, dict):
            raise IntrospectionUnavailable("introspection answer unreadable")
        return claims


def get_backend() -> LocalIntrospection | RemoteIntrospection:
    if api_settings.INTROSPECTION_BACKEND == "remote":
        return RemoteIntrospection()
    return LocalIntrospection()
