"""The authorization server's data.

django-oauth-toolkit's models are swapped for these before the first
migration (swapping later is painful), because its stock models cannot carry
the product's client policy:

* an Application has one grant type; a Client has a set of them;
* every scope is allowed to every Application; a Client has its own list;
* token lifetimes and refresh policy are global; here they are per client;
* a revoked access token is deleted, losing the status the admin shows;
  here it is marked revoked;
* codes are stored in clear; here only as SHA-256 digests, like tokens.

Access and refresh tokens, and the code they came from, share a
``token_family``: one authorization's lineage, revoked as a unit on code
replay, refresh-token reuse and RFC 7009 revocation.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import (
    AbstractAccessToken,
    AbstractApplication,
    AbstractGrant,
    AbstractIDToken,
    AbstractRefreshToken,
)

from oauth_grants.cors import parse_origins, validate_origin
from oauth_grants.redirect_uris import (
    parse_redirect_uris,
    redirect_uri_matches,
    validate_policy_uri,
    validate_redirect_uri,
)
from oauth_grants.resources import parse_resources, validate_resource

# RFC 6749 §3.3 scope-token = 1*( %x21 / %x23-5B / %x5D-7E ): printable ASCII
# without space, double quote or backslash.
SCOPE_NAME_RE = re.compile(r"^[\x21\x23-\x5B\x5D-\x7E]{1,100}$")

# DOT's models revoke by deleting rows, each its own way; here every
# revocation is oauth_grants.services' one revoke path, which the models do
# not import (services imports the models).
REVOKE_THROUGH_SERVICES = (
    "Revoke through oauth_grants.services (token_revoke, tokens_revoke, "
    "token_family_revoke): the one revoke path."
)

# A client's token lifetimes unless its policy says otherwise (seconds). The
# refresh token's idle expiry slides forward with each rotation, never past
# the family's absolute lifetime, counted from the code exchange.
DEFAULT_ACCESS_TOKEN_LIFETIME = 3600
DEFAULT_REFRESH_TOKEN_LIFETIME = 30 * 24 * 3600
DEFAULT_REFRESH_TOKEN_MAX_LIFETIME = 90 * 24 * 3600


def validate_scope_name(value: str) -> None:
    if not SCOPE_NAME_RE.match(value or ""):
        raise ValidationError(
            _(
                "A scope name is 1 to 100 printable ASCII characters without "
                "space, backslash or double quote (RFC 6749 §3.3)."
            )
        )


class Scope(models.Model):
    name = models.CharField(
        max_length=100, unique=True, validators=[validate_scope_name]
    )
    description = models.CharField(
        max_length=255, help_text=_("What the consent page tells the person.")
    )
    created = models.DateTimeField(auto_now_add=True)
    # {"de": "...", "fr": "..."}: the description in other languages; a
    # language without an entry gets ``description``.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def policy_link_field() -> models.URLField:
    """A link the consent page shows the person: https, or http on loopback."""
    return models.URLField(
        blank=True,
        default="",
        max_length=500,
        validators=[validate_policy_uri],
        help_text=_("Linked from the consent page. https (http only on loopback)."),
    )


class GrantType(models.TextChoices):
    AUTHORIZATION_CODE = "authorization_code", _("Authorization code")
    CLIENT_CREDENTIALS = "client_credentials", _("Client credentials")


class Client(AbstractApplication):
    """A registered OAuth client and its policy (webMethods' client registration)."""

    # DOT's single grant type is replaced by ``grant_types``; kept empty.
    authorization_grant_type = models.CharField(
        max_length=44, blank=True, default="", editable=False
    )
    grant_types = models.JSONField(
        default=list, blank=True, help_text=_("Grant types this client may use.")
    )
    allowed_scopes = models.ManyToManyField(
        Scope, through="ClientScope", related_name="clients", blank=True
    )
    homepage_url = models.URLField(_("homepage"), blank=True, default="")
    access_token_lifetime = models.PositiveIntegerField(
        default=DEFAULT_ACCESS_TOKEN_LIFETIME,
        help_text=_("How long an access token is accepted."),
    )
    issue_refresh_tokens = models.BooleanField(
        default=True,
        help_text=_("Issue a rotating refresh token with user-bound access tokens."),
    )
    refresh_token_lifetime = models.PositiveIntegerField(
        default=DEFAULT_REFRESH_TOKEN_LIFETIME,
        help_text=_(
            "Idle lifetime of a refresh token: each refresh moves it forward, "
            "never past the absolute lifetime below."
        ),
    )
    refresh_token_max_lifetime = models.PositiveIntegerField(
        default=DEFAULT_REFRESH_TOKEN_MAX_LIFETIME,
        help_text=_(
            "Absolute lifetime of the refresh tokens of one sign-in, counted "
            "from the code exchange; past it the person signs in again."
        ),
    )
    enabled = models.BooleanField(
        default=True,
        help_text=_("A disabled client gets nothing and its tokens stop working."),
    )
    is_resource_server = models.BooleanField(
        _("resource server"),
        default=False,
        help_text=_("May call the introspection endpoint (RFC 7662)."),
    )
    allowed_resources = models.TextField(
        blank=True,
        default="",
        help_text=_(
            "APIs (resource identifiers, RFC 8707) this client may ask tokens "
            "for with the resource parameter, space separated."
        ),
    )
    privacy_policy_uri = policy_link_field()
    terms_of_service_uri = policy_link_field()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.client_id

    def natural_key(self) -> tuple[str]:
        return (self.client_id,)

    def get_absolute_url(self) -> str:
        # DOT's names a URL namespace this project does not mount (a 500 on
        # the admin's /admin/r/ shortcut); a client's page is its admin page.
        from django.urls import reverse

        return reverse("admin:oauth_grants_client_change", args=[self.pk])

    @property
    def is_confidential(self) -> bool:
        return self.client_type == self.CLIENT_CONFIDENTIAL

    def allowed_scope_names(self) -> frozenset[str]:
        """Names of the scopes this client may ask for.

        Loaded with the client by ``client_auth.load_client``; otherwise one
        query, remembered on this instance (like a prefetch).
        """
        names = self.__dict__.get("_allowed_scope_names")
        if names is None:
            names = frozenset(self.allowed_scopes.values_list("name", flat=True))
            self._allowed_scope_names = names
        return names

    def set_allowed_scope_names(self, names: Iterable[str]) -> None:
        self._allowed_scope_names = frozenset(names)

    @property
    def redirect_uri_list(self) -> list[str]:
        return parse_redirect_uris(self.redirect_uris)

    def allows_grant_type(self, *grant_types: str) -> bool:
        """True if any of ``grant_types`` is allowed (DOT's hyphenated names too)."""
        allowed = set(self.grant_types or [])
        return any(grant.replace("-", "_") in allowed for grant in grant_types)

    def redirect_uri_allowed(self, uri: str) -> bool:
        """Exact match against a registered URI (RFC 9700 §4.1.3), any port
        on a registered loopback URI (RFC 8252 §7.3)."""
        return any(
            redirect_uri_matches(registered, uri)
            for registered in self.redirect_uri_list
        )

    def is_usable(self, request: object) -> bool:
        return self.enabled

    def clean(self) -> None:
        """Policy rules that hold for every client, whoever registers it."""
        errors: dict[str, list[Any]] = {}
        grants = list(self.grant_types or [])
        if not grants and not self.is_resource_server:
            errors.setdefault("grant_types", []).append(
                _(
                    "Choose at least one grant type. Only a resource server, "
                    "which only introspects tokens, may have none."
                )
            )
        unknown = [g for g in grants if g not in GrantType.values]
        if unknown:
            errors.setdefault("grant_types", []).append(
                _("Unknown grant type(s): %(g)s.") % {"g": ", ".join(map(str, unknown))}
            )
        if (
            self.client_type == self.CLIENT_PUBLIC
            and GrantType.CLIENT_CREDENTIALS in grants
        ):
            errors.setdefault("grant_types", []).append(
                _("A public client cannot use client_credentials: it has no secret.")
            )
        public = self.client_type == self.CLIENT_PUBLIC
        uris = self.redirect_uri_list
        if GrantType.AUTHORIZATION_CODE in grants and not uris:
            errors.setdefault("redirect_uris", []).append(
                _("authorization_code needs at least one redirect URI.")
            )
        for uri in uris:
            try:
                validate_redirect_uri(uri, public=public)
            except ValidationError as exc:
                errors.setdefault("redirect_uris", []).extend(exc.messages)
        for uri in parse_redirect_uris(self.post_logout_redirect_uris or ""):
            try:
                validate_redirect_uri(uri, public=public)
            except ValidationError as exc:
                errors.setdefault("post_logout_redirect_uris", []).extend(exc.messages)
        origins: list[str] = []
        # DOT's own field (AbstractApplication.allowed_origins), untyped there.
        declared: str = getattr(self, "allowed_origins", "") or ""
        for origin in parse_origins(declared):
            try:
                origins.append(validate_origin(origin))
            except ValidationError as exc:
                errors.setdefault("allowed_origins", []).extend(exc.messages)
        self.allowed_origins = " ".join(dict.fromkeys(origins))
        for resource in parse_resources(self.allowed_resources or ""):
            try:
                validate_resource(resource)
            except ValidationError as exc:
                errors.setdefault("allowed_resources", []).extend(exc.messages)
        for name in (
            "access_token_lifetime",
            "refresh_token_lifetime",
            "refresh_token_max_lifetime",
        ):
            value = getattr(self, name)
            if value is not None and value < 1:
                errors.setdefault(name, []).append(_("Must be at least 1 second."))
        if errors:
            raise ValidationError(errors)


class ClientScope(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE)
    scope = models.ForeignKey(Scope, on_delete=models.PROTECT)
    required = models.BooleanField(
        default=False,
        help_text=_("Shown on the consent page but cannot be unticked."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "scope"], name="uniq_client_scope"
            )
        ]

    def __str__(self) -> str:
        return "%s: %s" % (self.client, self.scope)


class AuthorizationCode(AbstractGrant):
    """A one-time code (RFC 6749 §4.1.2). ``code`` holds its SHA-256 digest."""

    redeemed_at = models.DateTimeField(null=True, blank=True)
    token_family = models.UUIDField(null=True, blank=True, editable=False)
    auth_time = models.DateTimeField(null=True, blank=True, editable=False)
    # RFC 6749 §4.1.3: the authorization request carried redirect_uri, so the
    # token request must repeat it (False: the registered URI was used).
    redirect_uri_required = models.BooleanField(default=True, editable=False)

    class Meta:
        indexes = [models.Index(fields=["expires"], name="code_expires_idx")]

    def __str__(self) -> str:
        return "AuthorizationCode #%s" % self.pk


class AccessToken(AbstractAccessToken):
    """``token`` is left empty: only ``token_checksum`` (SHA-256) is stored."""

    revoked = models.DateTimeField(null=True, blank=True)
    token_family = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["expires"], name="at_expires_idx"),
            models.Index(fields=["revoked"], name="at_revoked_idx"),
            models.Index(fields=["token_family"], name="at_family_idx"),
            models.Index(fields=["user", "application"], name="at_user_client_idx"),
        ]

    def __str__(self) -> str:
        return "AccessToken #%s" % self.pk

    def is_active(self) -> bool:
        return self.revoked is None and not self.is_expired()

    def is_valid(self, scopes: object = None) -> bool:
        return self.revoked is None and super().is_valid(scopes)

    def revoke(self) -> None:
        raise NotImplementedError(REVOKE_THROUGH_SERVICES)

    @property
    def status(self) -> str:
        if self.revoked is not None:
            return "revoked"
        if self.is_expired():
            return "expired"
        return "active"


class RefreshToken(AbstractRefreshToken):
    """``token`` is left empty: only ``token_checksum`` (SHA-256) is stored."""

    scope = models.TextField(blank=True, default="")
    expires = models.DateTimeField(null=True, blank=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    # When the family's first refresh token was issued (the code exchange):
    # the start of its absolute lifetime, carried to each rotated successor.
    family_started = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token_checksum"], name="rt_checksum_uniq")
        ]
        indexes = [
            models.Index(fields=["expires"], name="rt_expires_idx"),
            models.Index(fields=["revoked"], name="rt_revoked_idx"),
            models.Index(fields=["token_family"], name="rt_family_idx"),
        ]

    def __str__(self) -> str:
        return "RefreshToken #%s" % self.pk

    def is_expired(self) -> bool:
        return self.expires is not None and timezone.now() >= self.expires

    @property
    def status(self) -> str:
        if self.revoked is not None:
            return "revoked"
        if self.is_expired():
            return "expired"
        return "active"

    def revoke(self) -> None:
        raise NotImplementedError(REVOKE_THROUGH_SERVICES)

    @classmethod
    def revoke_family(cls, token_family: uuid.UUID | None) -> None:
        raise NotImplementedError(REVOKE_THROUGH_SERVICES)


class IDToken(AbstractIDToken):
    class Meta:
        indexes = [models.Index(fields=["expires"], name="idt_expires_idx")]


class Consent(models.Model):
    """What a person approved for a client; remembered until revoked or expired."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="oauth_consents",
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="consents"
    )
    scope = models.TextField(help_text=_("Approved scopes, space separated."))
    declined_scope = models.TextField(
        blank=True,
        default="",
        help_text=_("Scopes the person unticked, space separated: offered unticked."),
    )
    granted_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client"], name="uniq_user_client_consent"
            )
        ]
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return "%s → %s" % (self.user, self.client)

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()

    @property
    def declined_scopes(self) -> list[str]:
        return self.declined_scope.split()


class AuditEvent(models.Model):
    """An append-only security event. Never holds a secret, code or token value."""

    class Type(models.TextChoices):
        CLIENT_CREATED = "client_created", _("Client created")
        CLIENT_CHANGED = "client_changed", _("Client changed")
        CLIENT_DISABLED = "client_disabled", _("Client disabled")
        CLIENT_DELETED = "client_deleted", _("Client deleted")
        SECRET_REGENERATED = "secret_regenerated", _("Secret regenerated")
        CONSENT_GRANTED = "consent_granted", _("Consent granted")
        CONSENT_DENIED = "consent_denied", _("Consent denied")
        CONSENT_REVOKED = "consent_revoked", _("Consent revoked")
        TOKEN_ISSUED = "token_issued", _("Token issued")
        TOKEN_REFRESHED = "token_refreshed", _("Token refreshed")
        TOKEN_REVOKED = "token_revoked", _("Token revoked")
        REFRESH_REUSE = "refresh_reuse_detected", _("Refresh token reuse detected")
        CODE_REPLAY = "code_replay_detected", _("Code replay detected")
        CLIENT_AUTH_FAILED = "client_auth_failed", _("Client authentication failed")
        INTROSPECTION_REFUSED = "introspection_refused", _("Introspection refused")
        LOGIN_LOCKED = "login_locked", _("Login locked out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        # A person's answer, not an error: pressing Deny on the consent page.
        DENIED = "denied", _("Denied")
        FAILURE = "failure", _("Failure")

    created = models.DateTimeField(default=timezone.now, db_index=True)
    event = models.CharField(max_length=40, choices=Type.choices, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who acted (an admin, or the person)."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Whose authorization it concerns."),
    )
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the client row is deleted.
    client_identifier = models.CharField(max_length=255, blank=True, default="")
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["event", "created"], name="audit_event_created")
        ]

    def __str__(self) -> str:
        return "%s %s" % (self.created.isoformat(timespec="seconds"), self.event)


class SignInFailures(models.Model):
    """Failed sign-ins of one account name within the lockout window.

    One row per account name that failed (it need not exist: guesses at
    unknown names are counted the same way). oauth_grants/lockout.py reserves
    an attempt by incrementing ``failures`` under a row lock before the
    password is checked, so concurrent guesses cannot overshoot the limit.
    """

    username_key = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sign-in failures")
        verbose_name_plural = _("sign-in failures")

    def __str__(self) -> str:
        return "%s: %d" % (self.username_key, self.failures)
