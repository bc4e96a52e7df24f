"""Builders for test data, through the same services the product uses."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib.auth import get_user_model
from django.test import Client as HttpClient

from oauth_grants.client_services import client_create
from oauth_grants.models import Client, Scope

REDIRECT_URI = "https://client.example.test/callback"
DEFAULT_SCOPES = {
    "openid": "Sign you in",
    "profile": "See your name, username and email address",
    "email": "See your email address",
    "documents:read": "Read your documents",
    "documents:write": "Create, change and delete your documents",
}


@dataclass
class RegisteredClient:
    client: Client
    secret: str | None

    @property
    def client_id(self) -> str:
        return self.client.client_id

    def basic_auth(self) -> str:
        raw = "%s:%s" % (self.client_id, self.secret)
        return "Basic " + base64.b64encode(raw.encode()).decode()


@dataclass
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return cls(verifier=verifier, challenge=challenge)


def make_scopes(names: dict[str, str] | None = None) -> list[Scope]:
    return [
        Scope.objects.get_or_create(name=name, defaults={"description": desc})[0]
        for name, desc in (names or DEFAULT_SCOPES).items()
    ]


def make_user(username: str = "alice", password: str = "correct horse 42"):
    return get_user_model().objects.create_user(
        username=username,
        password=password,
        email="%s@example.test" % username,
        first_name=username.title(),
    )


def make_client(
    *,
    client_type: str = Client.CLIENT_CONFIDENTIAL,
    grants: list[str] | None = None,
    scopes: list[str] | None = None,
    redirect_uris: list[str] | None = None,
    **policy,
) -> RegisteredClient:
    make_scopes()
    client, secret = client_create(
        name=policy.pop("name", "Test App"),
        client_type=client_type,
        grant_types=grants if grants is not None else ["authorization_code"],
        redirect_uris=redirect_uris if redirect_uris is not None else [REDIRECT_URI],
        scopes=scopes if scopes is not None else list(DEFAULT_SCOPES),
        **policy,
    )
    return RegisteredClient(client=client, secret=secret)


def authorize_params(
    registered: RegisteredClient, pkce: Pkce, scope: str = "profile", **extra
) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": registered.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": "st-" + secrets.token_hex(4),
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
    }
    params.update(extra)
    return {k: v for k, v in params.items() if v is not None}


def authorize_url(params: dict[str, str]) -> str:
    return "/oauth/authorize?" + urlencode(params)


def consent(
    http: HttpClient, params: dict[str, str], decision: str = "approve", scopes=None
):
    """GET the consent page and answer it; return the final response.

    When the person already approved these scopes (remembered consent) there
    is no page: the redirect to the client is returned as it is.
    """
    page = http.get(authorize_url(params))
    if page.status_code == 302 and decision == "approve" and scopes is None:
        return page
    assert page.status_code == 200, page.content[:500]
    request_id = page.context["pending_id"]
    ticked = scopes if scopes is not None else params["scope"].split()
    return http.post(
        "/oauth/authorize",
        {"request_id": request_id, "decision": decision, "scope": ticked},
    )


def redirect_query(response) -> dict[str, str]:
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def obtain_code(
    http: HttpClient, registered: RegisteredClient, pkce: Pkce, scope="profile"
):
    params = authorize_params(registered, pkce, scope=scope)
    query = redirect_query(consent(http, params))
    assert query["state"] == params["state"]
    return query["code"]


def issue_user_token(
    http: HttpClient, api: HttpClient, registered: RegisteredClient, scope: str
) -> dict:
    """Run the code flow for the signed-in ``http`` user; return the token response."""
    pkce = Pkce.new()
    code = obtain_code(http, registered, pkce, scope=scope)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": pkce.verifier,
    }
    if registered.secret:
        response = api.post(
            "/oauth/token", data, HTTP_AUTHORIZATION=registered.basic_auth()
        )
    else:
        response = api.post("/oauth/token", {**data, "client_id": registered.client_id})
    assert response.status_code == 200, response.content
    return response.json()


def issue_client_token(
    api: HttpClient, registered: RegisteredClient, scope: str
) -> dict:
    response = api.post(
        "/oauth/token",
        {"grant_type": "client_credentials", "scope": scope},
        HTTP_AUTHORIZATION=registered.basic_auth(),
    )
    assert response.status_code == 200, response.content
    return response.json()


def make_resource_server(name: str = "Resource API") -> RegisteredClient:
    make_scopes()
    client, secret = client_create(
        name=name,
        client_type=Client.CLIENT_CONFIDENTIAL,
        grant_types=[],
        redirect_uris=[],
        scopes=[],
        is_resource_server=True,
    )
    return RegisteredClient(client=client, secret=secret)
