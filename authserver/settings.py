"""Settings for authserver, read from the environment.

Fails closed: DEBUG is off unless DJANGO_DEBUG=1 asks for it, and outside
DEBUG there is no usable default SECRET_KEY or issuer. Every setting that
weakens security has to be asked for by name. Any value may come from a file
named by NAME_FILE (see authserver/env.py).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from authserver.env import env_bool, env_int, env_list, env_str
from oauth_grants.presets import authserver_settings

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set "
            "when DEBUG is off."
        )
    SECRET_KEY = "development-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)

# The public URL of this authorization server: RFC 8414 `issuer` and RFC 9207 `iss`.
AUTHSERVER_ISSUER = env_str(
    "AUTHSERVER_ISSUER", "http://127.0.0.1:8000" if DEBUG else None
)
if not AUTHSERVER_ISSUER:
    raise ImproperlyConfigured("AUTHSERVER_ISSUER must be set when DEBUG is off.")
AUTHSERVER_ISSUER = AUTHSERVER_ISSUER.rstrip("/")

INSTALLED_APPS = [
    # django.contrib.admin with the sign-in of authserver/admin_site.py.
    "authserver.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Before oauth2_provider so that our cleartokens command replaces DOT's.
    "oauth_grants",
    "oauth2_provider",
    "resource_api",
]

MIDDLEWARE = [
    "authserver.observability.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "oauth_grants.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The person's language on the pages a person reads: the authorization
    # request's OpenID ui_locales, then Accept-Language (LocaleMiddleware).
    "oauth_grants.authorization_context.PersonLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "authserver.urls"
WSGI_APPLICATION = "authserver.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite needs nothing; PostgreSQL (production, concurrency tests) via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "sqlite:///" + str(BASE_DIR / "db.sqlite3")),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a cheaper health check (authserver/postgresql says why).
    DATABASES["default"]["ENGINE"] = "authserver.postgresql"
    # Server-side parameters, so psycopg prepares a statement it has run
    # DATABASE_PREPARE_THRESHOLD times on a connection and PostgreSQL stops
    # planning it again: planning cost more than executing the token lookup
    # (0.95 ms against 0.1 ms, on a table with eleven indexes). 0 turns it off,
    # for a transaction-pooling PgBouncer older than 1.21.
    _prepare_threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=_prepare_threshold > 0,
        prepare_threshold=_prepare_threshold if _prepare_threshold > 0 else None,
    )
    # Bounded waits: a slow or locked database fails a request fast instead of
    # pinning every worker (statement and lock timeouts in milliseconds).
    DATABASES["default"]["OPTIONS"]["options"] = (
        "-c statement_timeout=%d -c lock_timeout=%d"
        % (
            env_int("DATABASE_STATEMENT_TIMEOUT_MS", 5000),
            env_int("DATABASE_LOCK_TIMEOUT_MS", 3000),
        )
    )
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = env_int(
        "DATABASE_CONNECT_TIMEOUT_S", 3
    )
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "authserver.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
    # Sessions read from Redis, written through to PostgreSQL.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# PASSWORD_HASHERS (with the client-secret hasher), the swapped DOT models
# and OAUTH2_PROVIDER: set below from oauth_grants.presets, the same function
# a host project uses.

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "oauth_grants:account-apps"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en"
# The languages the public pages are translated into (oauth_grants/locale,
# locale/ for the project's own templates).
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Transport security ---------------------------------------------------
# On unless DEBUG; plain-HTTP deployments (loopback tests) must say
# DJANGO_SECURE=0 by name.
SECURE = env_bool("DJANGO_SECURE", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# /metrics answers only these networks (a scraper on the host or the cluster).
METRICS_ALLOWED_NETWORKS = env_list(
    "METRICS_ALLOWED_NETWORKS", ["127.0.0.1/32", "::1/128"]
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- OAuth 2.0 ------------------------------------------------------------
# django-oauth-toolkit's models are swapped for ours before the first
# migration (oauth_grants/models.py says why); DOT points at our server,
# validator and admin classes, and every RFC 9700 gate is on.
globals().update(
    authserver_settings(
        issuer=AUTHSERVER_ISSUER,
        code_lifetime=env_int("AUTHSERVER_CODE_LIFETIME_S", 60),
    )
)

# authserver's own policy knobs (oauth_grants/conf.py documents each).
AUTHSERVER = {
    # A rotated-out refresh token presented again within this many seconds of
    # its rotation is a concurrent retry: invalid_grant, family kept. Later, it
    # is reuse: the whole family is revoked (RFC 9700 §4.14.2).
    "REFRESH_TOKEN_REUSE_GRACE_SECONDS": env_int("AUTHSERVER_REFRESH_GRACE_S", 5),
    # A person is not asked again for scopes they approved within this many days.
    "CONSENT_REMEMBER_DAYS": env_int("AUTHSERVER_CONSENT_REMEMBER_DAYS", 90),
    # cleartokens deletes audit events older than this many days (0: never).
    "AUDIT_RETENTION_DAYS": env_int("AUTHSERVER_AUDIT_RETENTION_DAYS", 365),
    # Requests per RATE_LIMIT_WINDOW_SECONDS, per address and per client_id;
    # past them: 429 with Retry-After (oauth_grants/ratelimit.py).
    "RATE_LIMIT_WINDOW_SECONDS": 60,
    "RATE_LIMIT_REDIS_URL": env_str("REDIS_URL", "") or "",
    "RATE_LIMITS": {
        endpoint: {
            "address": env_int("AUTHSERVER_RATE_LIMIT_PER_ADDRESS", 600),
            "client": env_int("AUTHSERVER_RATE_LIMIT_PER_CLIENT", 1200),
        }
        for endpoint in ("token", "introspect", "revoke")
    },
    # Sign-in lockout (oauth_grants/lockout.py).
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": env_int("AUTHSERVER_LOGIN_MAX_FAILURES", 5),
    "LOGIN_MAX_FAILURES_PER_ADDRESS": env_int(
        "AUTHSERVER_LOGIN_MAX_FAILURES_ADDR", 100
    ),
    "LOGIN_LOCKOUT_SECONDS": env_int("AUTHSERVER_LOGIN_LOCKOUT_S", 900),
    # The reverse proxies in front of the server (addresses or networks):
    # X-Forwarded-For is believed only through them (client_address.py).
    "TRUSTED_PROXIES": env_list("AUTHSERVER_TRUSTED_PROXIES", []),
    # The product's name on the sign-in, consent, account and error pages.
    "SITE_NAME": env_str("AUTHSERVER_SITE_NAME", "authserver") or "authserver",
}

# --- The resource API (resource_api/conf.py documents each key) -----------
RESOURCE_API = {
    "INTROSPECTION_BACKEND": env_str("RESOURCE_API_INTROSPECTION", "local"),
    "INTROSPECTION_URL": env_str(
        "RESOURCE_API_INTROSPECTION_URL", AUTHSERVER_ISSUER + "/oauth/introspect"
    ),
    "CLIENT_ID": env_str("RESOURCE_API_CLIENT_ID", ""),
    "CLIENT_SECRET": env_str("RESOURCE_API_CLIENT_SECRET", ""),
    "TIMEOUT_SECONDS": env_int("RESOURCE_API_TIMEOUT_MS", 2000) / 1000,
    "CACHE_SECONDS": env_int("RESOURCE_API_CACHE_S", 10),
    "IDENTIFIER": env_str("RESOURCE_API_IDENTIFIER", "") or "",
    "REQUIRE_AUDIENCE": env_bool("RESOURCE_API_REQUIRE_AUDIENCE", False),
    "AUTHORIZATION_SERVER": env_str(
        "RESOURCE_API_AUTHORIZATION_SERVER", AUTHSERVER_ISSUER
    ),
    "CORS_ALLOWED_ORIGINS": env_list("RESOURCE_API_CORS_ALLOWED_ORIGINS"),
    # The public client of the docs' Authorize button (seed_demo registers
    # "api-docs-demo" for `make run`).
    "DOCS_CLIENT_ID": env_str(
        "RESOURCE_API_DOCS_CLIENT_ID", "api-docs-demo" if DEBUG else ""
    )
    or "",
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "resource_api.authentication.BearerTokenAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["resource_api.permissions.OperationScopePermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "resource_api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "resource_api.schema.ScopedAutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "authserver resource API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "resource_api.docs.describe_scopes",
    ],
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "oauth2": {
                "type": "oauth2",
                "flows": {
                    "authorizationCode": {
                        "authorizationUrl": AUTHSERVER_ISSUER + "/oauth/authorize",
                        "tokenUrl": AUTHSERVER_ISSUER + "/oauth/token",
                        # Filled from the Scope rows (resource_api.docs).
                        "scopes": {},
                    }
                },
            }
        }
    },
}

# --- OpenID Connect signing keys (oauth_grants/oidc_keys.py) ---------------
# AUTHSERVER_OIDC_PRIVATE_KEY(_FILE): the RS256 signing key, PEM. Without it
# OpenID Connect is off and the `openid` scope is refused (invalid_scope).
# AUTHSERVER_OIDC_PUBLISHED_KEYS(_FILE): more PEM keys published in the JWKS
# (the next key before a rotation, the previous one after it).
# Under DEBUG, `make run` generates a development key in .demo/.
_oidc_key = env_str("AUTHSERVER_OIDC_PRIVATE_KEY")
if not _oidc_key and DEBUG and (BASE_DIR / ".demo" / "oidc-dev.pem").exists():
    _oidc_key = (BASE_DIR / ".demo" / "oidc-dev.pem").read_text()
AUTHSERVER["OIDC_PRIVATE_KEY"] = _oidc_key or ""
AUTHSERVER["OIDC_PUBLISHED_KEYS"] = env_str("AUTHSERVER_OIDC_PUBLISHED_KEYS", "") or ""
AUTHSERVER["ID_TOKEN_LIFETIME_SECONDS"] = env_int(
    "AUTHSERVER_ID_TOKEN_LIFETIME_S", 3600
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "authserver.observability.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env_bool("LOG_JSON", not DEBUG) else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # oauthlib logs request bodies (codes, secrets) at DEBUG: never let it.
        "oauthlib": {"level": "WARNING"},
        "oauth2_provider": {"level": "WARNING"},
        "authserver.access": {"level": env_str("ACCESS_LOG_LEVEL", "INFO")},
    },
}
