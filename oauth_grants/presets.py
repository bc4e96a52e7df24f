"""The settings a Django project needs to host oauth_grants, in one place.

    # settings.py of a host project
    from oauth_grants.presets import authserver_settings
    globals().update(authserver_settings(issuer="https://auth.example.com"))

authserver's own settings.py uses the same function, so the two cannot drift.
"""

from __future__ import annotations

from typing import Any

CLIENT_SECRET_HASHER = "oauth_grants.hashers.ClientSecretHasher"


def oauth2_provider_settings(*, code_lifetime: int = 60) -> dict[str, Any]:
    """django-oauth-toolkit's OAUTH2_PROVIDER dict, pointed at our classes."""
    return {
        "OAUTH2_SERVER_CLASS": "oauth_grants.server.AuthorizationServer",
        "OIDC_SERVER_CLASS": "oauth_grants.server.AuthorizationServer",
        "OAUTH2_VALIDATOR_CLASS": "oauth_grants.oauth_validator.AuthServerValidator",
        "SCOPES_BACKEND_CLASS": "oauth_grants.scopes.DatabaseScopes",
        "APPLICATION_ADMIN_CLASS": "oauth_grants.admin.ClientAdmin",
        "ACCESS_TOKEN_ADMIN_CLASS": "oauth_grants.admin.AccessTokenAdmin",
        "REFRESH_TOKEN_ADMIN_CLASS": "oauth_grants.admin.RefreshTokenAdmin",
        "GRANT_ADMIN_CLASS": "oauth_grants.admin.AuthorizationCodeAdmin",
        "ID_TOKEN_ADMIN_CLASS": "oauth_grants.admin.IDTokenAdmin",
        "CLIENT_SECRET_HASHER": "client_sha256",
        "CLIENT_SECRET_GENERATOR_LENGTH": 64,
        "ACCESS_TOKEN_GENERATOR": "oauth_grants.tokens.generate_token",
        "REFRESH_TOKEN_GENERATOR": "oauth_grants.tokens.generate_token",
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": code_lifetime,
        "PKCE_REQUIRED": True,
        "ROTATE_REFRESH_TOKEN": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
        # https only at DOT's level; the loopback http exception of RFC 8252
        # §7.3 is enforced by our own rules (oauth_grants/redirect_uris.py).
        "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
        "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
        "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
        "OAUTH2_GRANT_TYPES_SUPPORTED": [
            "authorization_code",
            "client_credentials",
            "refresh_token",
        ],
    }


SWAPPED_MODELS = {
    "OAUTH2_PROVIDER_APPLICATION_MODEL": "oauth_grants.Client",
    "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL": "oauth_grants.AccessToken",
    "OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL": "oauth_grants.RefreshToken",
    "OAUTH2_PROVIDER_GRANT_MODEL": "oauth_grants.AuthorizationCode",
    "OAUTH2_PROVIDER_ID_TOKEN_MODEL": "oauth_grants.IDToken",
}


def authserver_settings(*, issuer: str, code_lifetime: int = 60) -> dict[str, Any]:
    """Every setting oauth_grants needs; the rest have defaults (conf.py)."""
    return {
        **SWAPPED_MODELS,
        "AUTHSERVER_ISSUER": issuer.rstrip("/"),
        "OAUTH2_PROVIDER": oauth2_provider_settings(code_lifetime=code_lifetime),
        # Every sign-in (both login pages, any page calling authenticate())
        # counts failures and honours the lockout: oauth_grants/auth_backends.py.
        "AUTHENTICATION_BACKENDS": ["oauth_grants.auth_backends.LockoutModelBackend"],
        "PASSWORD_HASHERS": [
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
            "django.contrib.auth.hashers.ScryptPasswordHasher",
            # Client secrets only: oauth_grants/hashers.py says why.
            CLIENT_SECRET_HASHER,
        ],
    }
