"""The secret shown once, Post/Redirect/Get: reloads and Back register nothing."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.test import Client as HttpClient

from oauth_grants.models import Client
from tests.oauth_grants.test_admin_console import SECRET_RE, client_form

pytestmark = pytest.mark.django_db

SECRET_URL_RE = re.compile(r"^/admin/oauth_grants/client/secret/([A-Za-z0-9_-]{43})/$")


def test_add_redirects_and_a_reload_of_the_secret_page_registers_nothing(
    admin_client,
):
    response = admin_client.post("/admin/oauth_grants/client/add/", client_form())
    assert response.status_code == 302
    location = response["Location"]
    assert SECRET_URL_RE.match(location), location

    shown = admin_client.get(location)
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    secret = SECRET_RE.search(shown.content.decode()).group(1)
    client = Client.objects.get()
    assert check_password(secret, client.client_secret)
    assert secret not in location

    reloaded = admin_client.get(location)
    assert reloaded.status_code == 410
    html = reloaded.content.decode()
    assert secret not in html
    assert "already shown" in html
    assert "/admin/oauth_grants/client/%d/regenerate-secret/" % client.pk in html
    assert Client.objects.count() == 1
    client.refresh_from_db()
    assert check_password(secret, client.client_secret)


def test_regenerate_redirects_and_a_reload_does_not_regenerate_again(
    admin_client, confidential
):
    url = "/admin/oauth_grants/client/%d/regenerate-secret/" % confidential.client.pk
    response = admin_client.post(url)
    assert response.status_code == 302
    location = response["Location"]
    assert SECRET_URL_RE.match(location), location
    secret = SECRET_RE.search(admin_client.get(location).content.decode()).group(1)
    assert admin_client.get(location).status_code == 410
    confidential.client.refresh_from_db()
    assert check_password(secret, confidential.client.client_secret)


def test_the_secret_page_is_for_the_admin_who_made_it_only(admin_client, db):
    location = admin_client.post("/admin/oauth_grants/client/add/", client_form())[
        "Location"
    ]
    other = get_user_model().objects.create_superuser(
        "other-admin", "other@example.test", "other-pass-42"
    )
    peer = HttpClient()
    peer.force_login(other)
    peeked = peer.get(location)
    assert peeked.status_code == 410
    assert SECRET_RE.search(peeked.content.decode()) is None
    # The admin who registered the client still gets it, once.
    assert SECRET_RE.search(admin_client.get(location).content.decode())


@pytest.mark.parametrize("handle", ["x", "A" * 43, "%00", "a" * 300])
def test_unknown_handles_say_gone_never_500(admin_client, handle):
    response = admin_client.get("/admin/oauth_grants/client/secret/%s/" % handle)
    assert response.status_code in (404, 410)


def test_the_secret_page_needs_staff(browser):
    response = browser.get("/admin/oauth_grants/client/secret/%s/" % ("A" * 43))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_public_client_has_no_secret_page(admin_client):
    response = admin_client.post(
        "/admin/oauth_grants/client/add/",
        client_form(client_type="public", name="Public One"),
    )
    assert response.status_code == 302
    assert "/secret/" not in response["Location"]
    assert Client.objects.get().client_type == "public"


def test_the_one_time_page_holds_on_redis_too(admin_client, settings):
    """Production's cache: the first read deletes the entry, the second finds
    it gone; the entry in Redis holds no secret in clear."""
    import redis

    url = "redis://127.0.0.1:6379/9"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {"BACKEND": "authserver.redis_cache.RedisCache", "LOCATION": url}
    }
    location = admin_client.post("/admin/oauth_grants/client/add/", client_form())[
        "Location"
    ]
    stored = b"".join(
        redis.Redis.from_url(url).get(key) or b""
        for key in redis.Redis.from_url(url).keys("*client-secret-secret*")
    )
    assert stored
    shown = admin_client.get(location)
    secret = SECRET_RE.search(shown.content.decode()).group(1)
    assert secret.encode() not in stored
    assert admin_client.get(location).status_code == 410
    assert Client.objects.count() == 1
