"""Stages 1 to 4: the authorization endpoint and the consent page.

GET /oauth/authorize validates the request with oauthlib (through DOT's
core) before anything else, so an unknown client or an unregistered
redirect URI gets an error page and never a redirect (RFC 6749 §4.1.2.1),
even for a visitor who is not logged in. The validated request goes into
the consent form signed (``authorization_context.park``); the form posts
back that, the decision and the ticked scopes, so nothing the client asked
for can be altered in the form, and showing the page writes nothing.
DOT's own AuthorizationView instead round-trips every parameter through
plain hidden fields.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauthlib.oauth2.rfc6749 import errors as oauth_errors

from oauth_grants.actors import acting_user
from oauth_grants.authorization_context import (
    PARKED_TTL_SECONDS,
    answered_request,
    park,
)
from oauth_grants.authorization_response import error_redirect, redirect_to_client
from oauth_grants.client_address import client_address
from oauth_grants.consent import consent_current, consent_touch, scopes_not_yet_approved
from oauth_grants.internals import escaped_full_path
from oauth_grants.models import AuditEvent, Client, ClientScope
from oauth_grants.scopes import consent_scopes
from oauth_grants.services import audit_record, consent_record
from oauth_grants.views.decorate import decorate_view
from oauth_grants.views.error_page import error_page
from oauth_grants.views.login import AUTH_TIME_SESSION_KEY

log = logging.getLogger(__name__)

# RFC 7636 §4.2: BASE64URL-ENCODE(SHA256(verifier)) is 43 characters; the
# grammar allows 43 to 128 unreserved characters. We take S256 only.
PKCE_CHALLENGE_RE = re.compile(r"^[A-Za-z0-9_-]{43,128}$")
MAX_STATE_LENGTH = 1024
MAX_NONCE_LENGTH = 255
VSCHAR_RE = re.compile(r"^[\x20-\x7e]+$")
MAX_AGE_RE = re.compile(r"^[0-9]{1,9}$")
CARRIED = (
    "client_id",
    "redirect_uri",
    "response_type",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "audience",
)


_core: list[Any] = []


def oauthlib_core() -> Any:
    """DOT's ``OAuthLibCore``, made once per process.

    DOT's ``get_oauthlib_core`` builds oauthlib's whole server (a validator,
    every grant type, the token type) on every call: about 4% of a consent
    page's CPU here. Nothing in them changes from request to request (the
    validator keeps what it loads on oauthlib's per-request ``Request``), so
    one serves every request and thread; made again when a test changes
    DOT's settings.
    """
    if not _core:
        _core.append(get_oauthlib_core())
    return _core[0]


@receiver(setting_changed)
def _dot_settings_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "OAUTH2_PROVIDER":
        _core.clear()


@decorate_view(never_cache)
class AuthorizeView(View):
    http_method_names = ["get", "post"]
    template_name = "oauth_grants/consent.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        repeated = [key for key, values in request.GET.lists() if len(values) > 1]
        if repeated:
            # RFC 6749 §3.1; which copy would be trusted is unknowable, so the
            # redirect URI is too: an error page, never a redirect.
            return error_page(
                request,
                "invalid_request",
                _("Parameter %(name)s is repeated.") % {"name": repeated[0][:40]},
            )
        core = oauthlib_core()
        try:
            scopes, credentials = core.validate_authorization_request(request)
        except FatalClientError as exc:
            err = exc.oauthlib_error
            return error_page(request, err.error, err.description or "")
        except OAuthToolkitError as exc:
            err = exc.oauthlib_error
            if not err.redirect_uri:
                return error_page(request, err.error, err.description or "")
            return error_redirect(
                err.redirect_uri, err.error, err.description, err.state
            )
        except (ValueError, UnicodeError):
            return error_page(
                request, "invalid_request", _("The authorization request is malformed.")
            )

        redirect_uri = credentials["redirect_uri"]
        state = credentials.get("state")
        problem = self._extra_checks(request, credentials)
        if problem:
            echo = state if state and len(state) <= MAX_STATE_LENGTH else None
            if echo and not VSCHAR_RE.match(echo):
                echo = None
            return error_redirect(redirect_uri, "invalid_request", problem, echo)

        prompt = set((request.GET.get("prompt") or "").split())
        if "none" in prompt and len(prompt) > 1:
            return error_redirect(
                redirect_uri, "invalid_request", "prompt=none stands alone.", state
            )
        if request.user.is_authenticated and self._sign_in_required(request, prompt):
            if "none" in prompt:
                return error_redirect(
                    redirect_uri,
                    "login_required",
                    "The user must sign in again.",
                    state,
                )
            # OIDC Core §3.1.2.1: prompt=login and an exceeded max_age ask the
            # person to sign in again. The old session ends first, so going
            # back to the authorization URL cannot skip the sign-in.
            logout(request)
            return redirect_to_login(self._after_sign_in(request))
        if not request.user.is_authenticated:
            if "none" in prompt:
                return error_redirect(
                    redirect_uri,
                    "login_required",
                    "The user is not signed in.",
                    state,
                )
            if "login" in prompt or "max_age" in request.GET:
                # The sign-in about to happen is fresh: it meets both.
                return redirect_to_login(self._after_sign_in(request))
            return redirect_to_login(request.get_full_path())

        # The client oauthlib validated: the validator loaded it (and its
        # scopes) into the request it hands back.
        client = credentials["request"].client
        consent = consent_current(user=request.user, client=client)
        new = scopes_not_yet_approved(consent=consent, requested=scopes)
        parked = self._parked(request, core, scopes, credentials)
        if consent is not None and not new and "consent" not in prompt:
            consent_touch(consent=consent)
            return self._issue_code(
                request, client, parked, list(scopes), remembered=True
            )
        if "none" in prompt:
            return error_redirect(
                redirect_uri,
                "consent_required",
                "The user has not approved this.",
                state,
            )
        return self._render_consent(
            request,
            client,
            scopes,
            parked,
            new=new if consent else [],
            declined=consent.declined_scopes if consent else [],
        )

    @staticmethod
    def _auth_time(request: HttpRequest) -> int:
        """When this session signed in (the login view records it)."""
        recorded = request.session.get(AUTH_TIME_SESSION_KEY)
        if isinstance(recorded, int):
            return recorded
        last_login = getattr(request.user, "last_login", None)
        return int(last_login.timestamp()) if last_login else 0

    def _sign_in_required(self, request: HttpRequest, prompt: set[str]) -> bool:
        if "login" in prompt:
            return True
        max_age = request.GET.get("max_age")
        if max_age is None:
            return False
        return int(max_age) == 0 or time.time() - self._auth_time(request) > int(
            max_age
        )

    @staticmethod
    def _after_sign_in(request: HttpRequest) -> str:
        """This request without prompt=login and max_age: met by the sign-in."""
        params = request.GET.copy()
        params.pop("max_age", None)
        rest = [value for value in params.get("prompt", "").split() if value != "login"]
        params.pop("prompt", None)
        if rest:
            params["prompt"] = " ".join(rest)
        return request.path + "?" + params.urlencode()

    def _extra_checks(
        self, request: HttpRequest, credentials: dict[str, Any]
    ) -> str | None:
        """What oauthlib lets through but this server refuses (invalid_request).

        The description goes to the client's developer, in English: RFC 6749
        §4.1.2.1 allows only printable ASCII in error_description.
        """
        max_age = request.GET.get("max_age")
        if max_age is not None and not MAX_AGE_RE.match(max_age):
            return "max_age must be a number of seconds."
        method = credentials.get("code_challenge_method")
        challenge = credentials.get("code_challenge") or ""
        if method != "S256":
            return "PKCE code_challenge_method must be S256."
        if not PKCE_CHALLENGE_RE.match(challenge):
            return "code_challenge must be 43 to 128 base64url characters."
        for name, limit in (("state", MAX_STATE_LENGTH), ("nonce", MAX_NONCE_LENGTH)):
            value = request.GET.get(name)
            if value is None:
                continue
            # RFC 6749 Appendix A.5 / OIDC: printable ASCII (VSCHAR), bounded.
            if len(value) > limit or not VSCHAR_RE.match(value):
                return "%s must be 1 to %d printable ASCII characters." % (name, limit)
        return None

    def _parked(
        self,
        request: HttpRequest,
        core: Any,
        scopes: list[str],
        credentials: dict[str, Any],
    ) -> dict[str, Any]:
        """What answering this request needs later (``park`` signs it)."""
        return {
            "uri": escaped_full_path(core, request),
            "scopes": list(scopes),
            "credentials": {k: credentials.get(k) for k in CARRIED},
            # RFC 6749 §4.1.3: the token request must repeat a redirect_uri
            # the authorization request carried, not one filled in for it.
            "redirect_uri_given": "redirect_uri" in request.GET,
            "user": request.user.pk,
            # One answer each (``_answered_once``).
            "nonce": secrets.token_urlsafe(16),
            "ui_locales": (request.GET.get("ui_locales") or "")[:200],
        }

    @staticmethod
    def _answered_once(answered: dict[str, Any]) -> bool:
        """True the first time a parked request is answered, False after.

        ``cache.add`` is atomic: of two answers to one page (a double click,
        a form posted again) only the first gets a code or records a denial.
        The mark lives as long as the request could be answered. The cache
        must be shared by every process for this to hold across them (Redis,
        ``REDIS_URL``, in production), as for the rate limits.
        """
        nonce = answered.get("nonce")
        if not isinstance(nonce, str) or not nonce:
            return False
        return cache.add("consent-answered:" + nonce, True, PARKED_TTL_SECONDS)

    def _render_consent(
        self,
        request: HttpRequest,
        client: Client,
        scopes: list[str],
        parked: dict[str, Any],
        new: list[str],
        declined: list[str],
    ) -> HttpResponse:
        descriptions, required = consent_scopes(client=client, names=scopes)
        items = [
            {
                "name": name,
                "description": descriptions[name],
                "required": name in required,
                "new": name in new and name not in declined,
                # The person unticked it last time: offered again, unticked.
                "checked": name in required or name not in declined,
            }
            for name in scopes
        ]
        # "Use another account": sign out, then sign in and come back to the
        # same authorization request (it is validated again from its URL).
        switch_next = "%s?%s" % (reverse("login"), urlencode({"next": parked["uri"]}))
        context = {
            "client": client,
            "scopes": items,
            "pending_id": park(parked),
            "redirect_host": urlsplit(parked["credentials"]["redirect_uri"]).netloc,
            "switch_account_next": switch_next,
        }
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return error_page(
                request, "login_required", _("Your session has ended. Start again.")
            )
        answered = answered_request(request)
        if (
            answered is None
            or answered.get("user") != request.user.pk
            or not self._answered_once(answered)
        ):
            return error_page(
                request,
                "invalid_request",
                _("This authorization request has expired or was already answered."),
            )
        credentials = answered["credentials"]
        client = Client.objects.filter(
            client_id=credentials["client_id"], enabled=True
        ).first()
        if client is None:
            return error_page(
                request, "unauthorized_client", _("This application is not available.")
            )
        redirect_uri, state = credentials["redirect_uri"], credentials.get("state")
        requested: list[str] = answered["scopes"]

        if request.POST.get("decision") != "approve":
            audit_record(
                event=AuditEvent.Type.CONSENT_DENIED,
                outcome=AuditEvent.Outcome.DENIED,
                actor=request.user,
                user=request.user,
                client=client,
                remote_addr=client_address(request),
            )
            return error_redirect(
                redirect_uri, "access_denied", "The user denied the request.", state
            )

        required = set(
            ClientScope.objects.filter(client=client, required=True).values_list(
                "scope__name", flat=True
            )
        )
        ticked = set(request.POST.getlist("scope"))
        approved = [s for s in requested if s in ticked or s in required]
        if not approved:
            return error_redirect(
                redirect_uri, "access_denied", "No scope was approved.", state
            )
        declined = [s for s in requested if s not in approved]
        return self._issue_code(request, client, answered, approved, declined=declined)

    def _issue_code(
        self,
        request: HttpRequest,
        client: Client,
        parked: dict[str, Any],
        approved: list[str],
        remembered: bool = False,
        declined: list[str] | None = None,
    ) -> HttpResponse:
        core = oauthlib_core()
        credentials = {k: v for k, v in parked["credentials"].items() if v is not None}
        credentials["user"] = request.user
        credentials["auth_time"] = self._auth_time(request)
        redirect_uri, state = credentials["redirect_uri"], credentials.get("state")
        if not parked.get("redirect_uri_given", True):
            # oauthlib fills in the registered URI again and marks the code so.
            del credentials["redirect_uri"]
        try:
            with transaction.atomic():
                headers, _body, _status = core.server.create_authorization_response(
                    uri=parked["uri"],
                    http_method="GET",
                    body=None,
                    headers=core.extract_headers(request),
                    scopes=approved,
                    credentials=credentials,
                )
                person = acting_user(request)
                if not remembered:
                    consent_record(
                        user=person,
                        client=client,
                        scopes=approved,
                        declined=declined or [],
                    )
                audit_record(
                    event=AuditEvent.Type.CONSENT_GRANTED,
                    actor=person,
                    user=person,
                    client=client,
                    remote_addr=client_address(request),
                    detail={"scope": " ".join(approved), "remembered": remembered},
                )
        except oauth_errors.FatalClientError as err:
            return error_page(request, err.error, err.description or "")
        except oauth_errors.OAuth2Error as err:
            return error_redirect(redirect_uri, err.error, err.description, state)
        return redirect_to_client(headers["Location"])
