"""oauthlib's RequestValidator for this server: where the grant rules live.

Built on django-oauth-toolkit's ``OAuth2Validator``; the methods overridden
here replace what it does badly for this product:

* client authentication: one fast salted-hash check (oauth_grants/hashers.py),
  the same work for an unknown ``client_id`` (no enumeration by timing), and
  both Basic and body credentials at once refused (RFC 6749 §2.3);
* grant and response types come from the client's own set;
* codes: looked up by digest and locked (``SELECT ... FOR UPDATE``) for the
  whole token request, so of N concurrent redemptions exactly one mints
  tokens. Stock DOT marks the code used only after minting, so racing
  requests each mint tokens (and some end in a 500). A replayed code revokes
  every token issued from it (RFC 6749 §4.1.2, RFC 9700 §4.2.4);
* refresh tokens: locked, rotated, expiring per client; a rotated-out token
  presented again revokes its whole family (RFC 9700 §4.14.2), except within
  a short grace window after rotation, which is a concurrent retry;
* tokens and codes are stored only as SHA-256 digests.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from jwcrypto import jwt
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors

from oauth_grants.client_address import client_address_from_meta
from oauth_grants.client_auth import (
    MAX_CLIENT_ID_LENGTH,
    MalformedCredentials,
    claimed_client_id,
    load_client,
    parse_client_credentials,
    plausible,
    verify_client_secret,
)
from oauth_grants.conf import app_settings
from oauth_grants.lookups import GRANT_DIGEST_FIELD, client_with_grant
from oauth_grants.metrics import TOKENS
from oauth_grants.models import (
    AccessToken,
    AuditEvent,
    AuthorizationCode,
    Client,
    GrantType,
    RefreshToken,
)
from oauth_grants.oidc_claims import oidc_user_claims
from oauth_grants.oidc_keys import ALGORITHM, key_id, oidc_enabled, signing_key
from oauth_grants.services import audit_record, token_family_revoke
from oauth_grants.sql import insert_row
from oauth_grants.tokens import token_digest

log = logging.getLogger(__name__)


def _from_timestamp(value: Any) -> Any:
    if not isinstance(value, int) or value <= 0:
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def family_start(previous: RefreshToken | None, now: datetime) -> datetime:
    """When the family of a new refresh token began: now for a code exchange,
    else its predecessor's start (its creation, for rows from before the
    absolute lifetime existed)."""
    if previous is None:
        return now
    return previous.family_started or previous.created


def family_deadline(token: RefreshToken, client: Client) -> datetime:
    """The end of the absolute lifetime of ``token``'s family."""
    started = token.family_started or token.created
    return started + timedelta(seconds=client.refresh_token_max_lifetime)


def refresh_token_expiry(client: Client, started: datetime, now: datetime) -> datetime:
    """The idle expiry slides forward with each rotation, never past the
    family's absolute lifetime: min(now + idle, start + max)."""
    return min(
        now + timedelta(seconds=client.refresh_token_lifetime),
        started + timedelta(seconds=client.refresh_token_max_lifetime),
    )


def _remote_addr(request: Any) -> str | None:
    headers = getattr(request, "headers", None) or {}
    return client_address_from_meta(headers)


class AuthServerValidator(OAuth2Validator):
    # --- clients --------------------------------------------------------

    def _load_application(self, client_id: Any, request: Any) -> Client | None:
        cached = getattr(request, "client", None)
        if isinstance(cached, Client) and cached.client_id == client_id:
            return cached if cached.enabled else None
        grant = self._redeemed_grant(request)
        if grant is not None and plausible(client_id, MAX_CLIENT_ID_LENGTH):
            # One query for the client, its scopes and the locked code or
            # refresh token; _grant_row then answers without asking again.
            model, digest = grant
            found = client_with_grant(client_id, model, digest)
            if found is not None:
                request.client, row = found
                request._grant_row = (model, digest, row)
                return request.client
        request.client = load_client(client_id)
        return request.client

    @staticmethod
    def _redeemed_grant(request: Any) -> tuple[type, str] | None:
        """(model, digest) of the code or refresh token a token request redeems."""
        grant_type = getattr(request, "grant_type", None)
        if grant_type == "authorization_code":
            model, value = AuthorizationCode, getattr(request, "code", None)
        elif grant_type == "refresh_token":
            model, value = RefreshToken, getattr(request, "refresh_token", None)
        else:
            return None
        if not isinstance(value, str) or not 0 < len(value) <= 256:
            return None
        return model, token_digest(value)

    def _grant_row(self, model: type, value: str, request: Any) -> Any:
        """The code or refresh token row with this value, locked for the rest
        of the token transaction; looked up once per request."""
        digest = token_digest(value)
        cached = getattr(request, "_grant_row", None)
        if cached is not None and cached[0] is model and cached[1] == digest:
            return cached[2]
        row = (
            model.objects.select_for_update()
            .select_related("user")
            .filter(**{GRANT_DIGEST_FIELD[model]: digest})
            .first()
        )
        request._grant_row = (model, digest, row)
        return row

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        """client_secret_basic or _post: see oauth_grants/client_auth.py."""
        try:
            credentials = parse_client_credentials(
                request.headers.get("HTTP_AUTHORIZATION"),
                getattr(request, "client_id", None),
                getattr(request, "client_secret", None),
            )
        except MalformedCredentials:
            credentials = None
        if credentials is None:
            self._audit_auth_failure(request, getattr(request, "client_id", "") or "")
            return False
        client_id, secret = credentials
        request.client_id = client_id
        client = self._load_application(client_id, request)
        if not verify_client_secret(client, secret):
            request.client = None
            self._audit_auth_failure(request, client_id, client)
            return False
        return True

    def _audit_auth_failure(
        self, request: Any, client_id: Any, client: Client | None = None
    ) -> None:
        identifier = client_id if isinstance(client_id, str) else ""
        audit_record(
            event=AuditEvent.Type.CLIENT_AUTH_FAILED,
            outcome=AuditEvent.Outcome.FAILURE,
            client=client,
            client_identifier=identifier,
            remote_addr=_remote_addr(request),
            detail={"endpoint": "token"},
        )

    def client_authentication_required(
        self, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if request.headers.get("HTTP_AUTHORIZATION") or (
            getattr(request, "client_secret", None) is not None
        ):
            return True
        client = self._load_application(request.client_id, request)
        # An unknown client is left to authenticate_client_id, which refuses it.
        return client is not None and client.is_confidential

    def authenticate_client_id(
        self, client_id: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        """A public client identifies itself by client_id alone (RFC 6749 §3.2.1)."""
        client = self._load_application(client_id, request)
        if client is None or client.is_confidential:
            self._audit_auth_failure(request, client_id, client)
            return False
        return True

    def validate_client_id(
        self, client_id: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        return self._load_application(client_id, request) is not None

    def validate_grant_type(
        self,
        client_id: Any,
        grant_type: str,
        client: Client,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if grant_type == "authorization_code":
            return GrantType.AUTHORIZATION_CODE in client.grant_types
        if grant_type == "client_credentials":
            return (
                client.is_confidential
                and GrantType.CLIENT_CREDENTIALS in client.grant_types
            )
        if grant_type == "refresh_token":
            return client.issue_refresh_tokens
        return False

    def validate_response_type(
        self,
        client_id: Any,
        response_type: str,
        client: Client,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return (
            response_type == "code"
            and GrantType.AUTHORIZATION_CODE in client.grant_types
        )

    def validate_silent_login(self, request: Any) -> bool:
        # prompt=none is decided by AuthorizeView after validation, with the
        # session at hand (login_required / consent_required).
        return True

    def validate_silent_authorization(self, request: Any) -> bool:
        return True

    def validate_scopes(
        self,
        client_id: Any,
        scopes: list[str],
        client: Client,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if not scopes or any(not isinstance(s, str) for s in scopes):
            return False
        if "openid" in scopes and not oidc_enabled():
            return False
        return set(scopes) <= client.allowed_scope_names()

    def get_default_scopes(
        self, client_id: Any, request: Any, *args: Any, **kwargs: Any
    ) -> list[str]:
        return []

    def validate_redirect_uri(
        self, client_id: Any, redirect_uri: str, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        return request.client.redirect_uri_allowed(redirect_uri)

    def get_default_redirect_uri(
        self, client_id: Any, request: Any, *args: Any, **kwargs: Any
    ) -> str | None:
        uris = request.client.redirect_uri_list if request.client else []
        return uris[0] if len(uris) == 1 else None

    def is_pkce_required(self, client_id: Any, request: Any) -> bool:
        return True

    # --- authorization codes -------------------------------------------

    def save_authorization_code(
        self,
        client_id: Any,
        code: dict[str, str],
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        approved = list(request.scopes or [])
        if not set(approved) <= request.client.allowed_scope_names():
            raise errors.InvalidScopeError(request=request)
        AuthorizationCode.objects.create(
            application=request.client,
            user=request.user,
            code=token_digest(code["code"]),
            expires=timezone.now()
            + timedelta(seconds=oauth2_settings.AUTHORIZATION_CODE_EXPIRE_SECONDS),
            redirect_uri=request.redirect_uri,
            redirect_uri_required=not getattr(
                request, "using_default_redirect_uri", False
            ),
            scope=" ".join(approved),
            code_challenge=request.code_challenge or "",
            code_challenge_method=request.code_challenge_method or "",
            nonce=request.nonce or "",
            claims="",
            auth_time=_from_timestamp(getattr(request, "auth_time", None)),
            resource=list(getattr(request, "audience", None) or []),
        )

    def validate_code(
        self,
        client_id: Any,
        code: Any,
        client: Client,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if not isinstance(code, str) or not 0 < len(code) <= 256:
            return False
        grant = self._grant_row(AuthorizationCode, code, request)
        if grant is None or grant.application_id != client.pk:
            return False
        if grant.redeemed_at is not None:
            revoked = token_family_revoke(family=grant.token_family)
            audit_record(
                event=AuditEvent.Type.CODE_REPLAY,
                outcome=AuditEvent.Outcome.FAILURE,
                user=grant.user,
                client=client,
                remote_addr=_remote_addr(request),
                detail={"tokens_revoked": revoked},
            )
            return False
        if grant.is_expired() or not grant.user.is_active:
            return False
        request.scopes = grant.scope.split()
        request.user = grant.user
        if grant.nonce:
            request.nonce = grant.nonce
        request.authorization_code_instance = grant
        return True

    def _grant_for(self, request: Any) -> AuthorizationCode:
        return request.authorization_code_instance

    def get_code_challenge(self, code: str, request: Any) -> str | None:
        return self._grant_for(request).code_challenge or None

    def get_code_challenge_method(self, code: str, request: Any) -> str | None:
        return self._grant_for(request).code_challenge_method or None

    def confirm_redirect_uri(
        self,
        client_id: Any,
        code: str,
        redirect_uri: Any,
        client: Client,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """RFC 6749 §4.1.3: redirect_uri is required when the authorization
        request carried it, and identical to it; otherwise invalid_grant
        (§5.2), even when the client has one registered URI to fall back on."""
        request = kwargs.get("request") or (args[0] if args else None)
        grant = getattr(request, "authorization_code_instance", None)
        if grant is None:
            grant = AuthorizationCode.objects.filter(
                code=token_digest(code), application=client
            ).first()
        left_out = getattr(request, "using_default_redirect_uri", False)
        if (
            grant is None
            or (left_out and grant.redirect_uri_required)
            or redirect_uri != grant.redirect_uri
        ):
            raise errors.InvalidGrantError(
                description="redirect_uri does not match the authorization request.",
                request=request,
            )
        return True

    def get_authorization_code_scopes(
        self, client_id: Any, code: str, redirect_uri: str, request: Any
    ) -> list[str]:
        if not isinstance(code, str) or not 0 < len(code) <= 256:
            return []
        # oauthlib's dispatcher asks this before the client is authenticated:
        # load the client the request claims now, with the code in the same
        # query; authenticate_client then checks the secret of that client.
        claimed = claimed_client_id(
            request.headers.get("HTTP_AUTHORIZATION"), client_id
        )
        if claimed is not None:
            self._load_application(claimed, request)
        grant = self._grant_row(AuthorizationCode, code, request)
        return grant.scope.split() if grant else []

    def get_authorization_code_nonce(
        self, client_id: Any, code: str, redirect_uri: str, request: Any
    ) -> str | None:
        grant = getattr(request, "authorization_code_instance", None)
        return (grant.nonce or None) if grant else None

    def invalidate_authorization_code(
        self, client_id: Any, code: str, request: Any, *args: Any, **kwargs: Any
    ) -> None:
        # Marked redeemed in save_bearer_token, inside the same locked transaction.
        return None

    # --- refresh tokens -------------------------------------------------

    def validate_refresh_token(
        self,
        refresh_token: Any,
        client: Client,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if not isinstance(refresh_token, str) or not 0 < len(refresh_token) <= 256:
            return False
        rt = self._grant_row(RefreshToken, refresh_token, request)
        if rt is None or rt.application_id != client.pk:
            return False
        if rt.revoked is not None:
            grace = app_settings.REFRESH_TOKEN_REUSE_GRACE_SECONDS
            if rt.rotated_at is not None and (
                timezone.now() - rt.rotated_at > timedelta(seconds=grace)
            ):
                revoked = token_family_revoke(family=rt.token_family)
                audit_record(
                    event=AuditEvent.Type.REFRESH_REUSE,
                    outcome=AuditEvent.Outcome.FAILURE,
                    user=rt.user,
                    client=client,
                    remote_addr=_remote_addr(request),
                    detail={"tokens_revoked": revoked},
                )
            return False
        if rt.is_expired() or not rt.user.is_active:
            return False
        if timezone.now() >= family_deadline(rt, client):
            return False
        request.user = rt.user
        request.refresh_token = refresh_token
        request.refresh_token_instance = rt
        return True

    def get_original_scopes(
        self, refresh_token: str, request: Any, *args: Any, **kwargs: Any
    ) -> list[str]:
        rt = getattr(request, "refresh_token_instance", None)
        return rt.scope.split() if rt is not None else []

    def rotate_refresh_token(self, request: Any) -> bool:
        return True

    # --- issuing --------------------------------------------------------

    def save_bearer_token(
        self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any
    ) -> None:
        """Store digests of the new tokens and retire what they replace, atomically.

        Mutates ``token`` (the response body) to drop a refresh token that the
        client's policy does not issue: oauthlib decides to mint one per grant
        type, the client policy decides whether it is handed out.
        """
        client: Client = request.client
        now = timezone.now()
        grant_type = request.grant_type
        family: uuid.UUID | None = None
        previous: RefreshToken | None = None
        # TokenView runs the whole request in one transaction already; no
        # savepoint of our own (two round trips per token request).
        with transaction.atomic(savepoint=False):
            if grant_type == "authorization_code":
                family = uuid.uuid4()
                code = request.authorization_code_instance
                code.redeemed_at = now
                code.token_family = family
                code.save(update_fields=["redeemed_at", "token_family", "updated"])
            elif grant_type == "refresh_token":
                previous = request.refresh_token_instance
                family = previous.token_family
                RefreshToken.objects.filter(pk=previous.pk).update(
                    revoked=now, rotated_at=now, updated=now, access_token=None
                )
                if previous.access_token_id:
                    AccessToken.objects.filter(
                        pk=previous.access_token_id, revoked__isnull=True
                    ).update(revoked=now, updated=now)
            user = request.user if grant_type != "client_credentials" else None
            scope = token.get("scope") or " ".join(request.scopes or [])
            access = insert_row(
                AccessToken,
                user=user,
                application=client,
                scope=scope,
                expires=now + timedelta(seconds=client.access_token_lifetime),
                token="",
                token_checksum=token_digest(token["access_token"]),
                token_family=family,
                source_refresh_token=None,
                resource=request.audience,
            )
            refresh_value = token.get("refresh_token")
            if refresh_value and user is not None and client.issue_refresh_tokens:
                started = family_start(previous, now)
                insert_row(
                    RefreshToken,
                    user=user,
                    application=client,
                    access_token=access,
                    token="",
                    token_checksum=token_digest(refresh_value),
                    token_family=family,
                    scope=scope,
                    family_started=started,
                    expires=refresh_token_expiry(client, started, now),
                    resource=request.audience,
                )
            else:
                token.pop("refresh_token", None)
            TOKENS.labels(grant_type).inc()
            audit_record(
                event=(
                    AuditEvent.Type.TOKEN_REFRESHED
                    if previous is not None
                    else AuditEvent.Type.TOKEN_ISSUED
                ),
                user=user,
                client=client,
                remote_addr=_remote_addr(request),
                detail={
                    "grant_type": grant_type,
                    "scope": scope,
                    "token_id": access.pk,
                },
            )
        token["scope"] = scope

    # --- OpenID Connect -------------------------------------------------

    def get_oidc_issuer_endpoint(self, request: Any) -> str:
        return app_settings.ISSUER

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return oidc_user_claims(request.user)

    def get_id_token_dictionary(
        self, token: dict[str, Any], token_handler: Any, request: Any
    ) -> tuple[dict[str, Any], Any]:
        claims, _expires = super().get_id_token_dictionary(
            token, token_handler, request
        )
        code = getattr(request, "authorization_code_instance", None)
        if code is not None and code.auth_time is not None:
            # When the person signed in for this authorization (OIDC Core §2).
            claims["auth_time"] = int(code.auth_time.timestamp())
        lifetime = app_settings.ID_TOKEN_LIFETIME_SECONDS
        expires = timezone.now() + timedelta(seconds=lifetime)
        claims["exp"] = int(expires.timestamp())
        return claims, expires

    def finalize_id_token(
        self,
        id_token: dict[str, Any],
        token: dict[str, Any],
        token_handler: Any,
        request: Any,
    ) -> str:
        """Sign with the configured key (RS256, its thumbprint as kid).

        DOT signs with a per-client key choice (``Client.algorithm``); here
        every ID token is signed with the server's configured key, so keys can
        be rotated in one place.
        """
        key = signing_key()
        claims, expires = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        header = {"typ": "JWT", "alg": ALGORITHM, "kid": key_id(key)}
        signed = jwt.JWT(header=header, claims=id_token)
        signed.make_signed_token(key)
        self._save_id_token(id_token["jti"], request, expires)
        return signed.serialize()

    # --- bearer tokens (userinfo, DOT's protected views) ---------------

    def _load_access_token(self, token: Any) -> AccessToken | None:
        if not isinstance(token, str) or not 0 < len(token) <= 256:
            return None
        return (
            AccessToken.objects.select_related("application", "user")
            .filter(
                token_checksum=token_digest(token),
                revoked__isnull=True,
                application__enabled=True,
            )
            .first()
        )
