"""Settings for the stock django-oauth-toolkit benchmark peer.

A minimal Django project, as ``startproject`` would make it, with
``oauth2_provider`` added and ``OAUTH2_PROVIDER`` left at its defaults.
It shares nothing with authserver's own apps. Bench-only: never deploy.
"""

from __future__ import annotations

import os

import dj_database_url

SECRET_KEY = "bench-only-stock-dot-secret-key-not-for-production"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "oauth2_provider",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]

ROOT_URLCONF = "bench.peers.stock_dot.urls"
WSGI_APPLICATION = "bench.peers.stock_dot.wsgi.application"

# PostgreSQL, with the same persistent-connection policy as authserver.
DATABASES = {
    "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)
}
