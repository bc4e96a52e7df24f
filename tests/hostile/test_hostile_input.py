"""Hostile input: never a 500, always the RFC's error, nothing written."""

from __future__ import annotations

import base64

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oauth_grants.models import AccessToken, AuthorizationCode
from tests.factories import (
    REDIRECT_URI,
    Pkce,
    authorize_params,
    authorize_url,
    obtain_code,
)

pytestmark = pytest.mark.django_db


def token_post(api, body: bytes | str, **headers):
    return api.post(
        "/oauth/token",
        body,
        content_type="application/x-www-form-urlencoded",
        **headers,
    )


@pytest.mark.parametrize(
    "body",
    [
        "grant_type=client_credentials&grant_type=client_credentials&scope=profile",
        "grant_type=client_credentials&scope=profile&scope=email",
    ],
)
def test_duplicate_token_parameters_are_invalid_request(api, confidential, body):
    response = token_post(api, body, HTTP_AUTHORIZATION=confidential.basic_auth())
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert AccessToken.objects.count() == 0


@pytest.mark.parametrize(
    "raw_query",
    ["grant_type=%ff%fe", "scope=%00", "%%%", "grant_type=" + "%41" * 3000],
)
def test_hostile_query_strings_on_the_token_endpoint_never_500(
    api, confidential, raw_query
):
    response = api.post(
        "/oauth/token?" + raw_query,
        "grant_type=client_credentials&scope=profile",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=confidential.basic_auth(),
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_request"
    assert AccessToken.objects.count() == 0


def test_parameter_in_query_and_body_is_invalid_request(api, confidential):
    response = api.post(
        "/oauth/token?grant_type=client_credentials",
        "grant_type=client_credentials&scope=profile",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=confidential.basic_auth(),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_duplicate_code_in_exchange_is_refused(browser, api, confidential, pkce):
    code = obtain_code(browser, confidential, pkce)
    body = (
        "grant_type=authorization_code&code=%s&code=%s&redirect_uri=%s&code_verifier=%s"
        % (
            code,
            code,
            REDIRECT_URI,
            pkce.verifier,
        )
    )
    response = token_post(api, body, HTTP_AUTHORIZATION=confidential.basic_auth())
    assert response.status_code == 400
    assert AccessToken.objects.count() == 0


@pytest.mark.parametrize(
    "header",
    [
        "Basic",
        "Basic !!!not-base64!!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:\x00").decode(),
        "Basic " + base64.b64encode(b"id\x00:secret").decode(),
        "Basic " + base64.b64encode(("x" * 5000 + ":y").encode()).decode(),
        "Bearer something",
        "Digest username=x",
    ],
)
def test_malformed_client_credentials_are_invalid_client(api, header):
    response = token_post(
        api, "grant_type=client_credentials&scope=profile", HTTP_AUTHORIZATION=header
    )
    assert response.status_code in (400, 401)
    assert response.json()["error"] in {"invalid_client", "invalid_request"}


@pytest.mark.parametrize(
    "body",
    [
        b"grant_type=client_credentials&scope=\xff\xfe",
        b"grant_type=\x00&scope=profile",
        b"grant_type=client_credentials&scope=" + b"a" * 100000,
        b"grant_type=client_credentials&scope="
        + b"+".join(b"s%d" % i for i in range(5000)),
        b"%%%%%%",
        b"grant_type=client_credentials&client_id=\x01\x02\x03",
        b"\x00\x00\x00",
    ],
)
def test_garbage_token_bodies_never_500(api, confidential, body):
    response = token_post(api, body, HTTP_AUTHORIZATION=confidential.basic_auth())
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["error"]
    assert AccessToken.objects.count() == 0


@pytest.mark.parametrize(
    "override",
    [
        {"state": "s" * 5000},
        {"nonce": "n" * 5000},
        {"scope": " ".join("s%d" % i for i in range(3000))},
        {"code_challenge": "A" * 5000},
        {"client_id": "c" * 5000},
        {"client_id": "bad\x00id"},
        {"redirect_uri": REDIRECT_URI + "\x00"},
        {"state": "line\r\nbreak"},
        {"response_type": "code token"},
        {"response_type": "\x07"},
    ],
)
def test_hostile_authorization_requests_never_500(browser, confidential, override):
    response = browser.get(
        authorize_url(authorize_params(confidential, Pkce.new(), **override))
    )
    assert response.status_code in (302, 400), response.status_code
    assert AuthorizationCode.objects.count() == 0


@pytest.mark.parametrize(
    "raw_query",
    [
        "response_type=code&client_id=%ff%fe",
        "response_type=code&client_id=%00",
        "%%%",
        "client_id=" + "%41" * 3000,
    ],
)
def test_invalid_encodings_on_authorize_never_500(browser, raw_query):
    response = browser.get("/oauth/authorize?" + raw_query)
    assert response.status_code == 400


@pytest.mark.parametrize("endpoint", ["/oauth/introspect", "/oauth/revoke"])
@pytest.mark.parametrize(
    "body",
    [
        b"token=\xff\xfe",
        b"token=\x00",
        b"token=" + b"t" * 100000,
        b"token=a&token=b",
        b"%%%",
    ],
)
def test_garbage_at_introspection_and_revocation_never_500(
    api, resource_server, endpoint, body
):
    response = api.post(
        endpoint,
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=resource_server.basic_auth(),
    )
    assert response.status_code in (200, 400, 401), response.content


FORM = st.dictionaries(
    st.sampled_from(
        [
            "grant_type",
            "code",
            "redirect_uri",
            "code_verifier",
            "refresh_token",
            "scope",
            "client_id",
            "client_secret",
            "token",
            "token_type_hint",
            "x",
        ]
    ),
    st.text(max_size=300),
    max_size=6,
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(form=FORM, basic=st.one_of(st.none(), st.text(max_size=80)))
def test_property_token_endpoint_never_500(api, confidential, form, basic):
    headers = {}
    if basic is not None:
        headers["HTTP_AUTHORIZATION"] = (
            "Basic " + base64.b64encode(basic.encode("utf-8", "surrogatepass")).decode()
        )
    response = api.post("/oauth/token", form, **headers)
    assert response.status_code in (200, 400, 401, 429), response.content
    if response.status_code != 200:
        assert response.json()["error"]


@FUZZ
@given(form=FORM)
def test_property_introspection_and_revocation_never_500(api, resource_server, form):
    for endpoint in ("/oauth/introspect", "/oauth/revoke"):
        response = api.post(
            endpoint, form, HTTP_AUTHORIZATION=resource_server.basic_auth()
        )
        assert response.status_code in (200, 400, 401, 429), response.content


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "response_type",
                "client_id",
                "redirect_uri",
                "scope",
                "state",
                "code_challenge",
                "code_challenge_method",
                "nonce",
                "prompt",
            ]
        ),
        st.text(max_size=200),
        max_size=8,
    )
)
def test_property_authorization_endpoint_never_500(browser, confidential, params):
    response = browser.get("/oauth/authorize", params)
    assert response.status_code in (200, 302, 400), response.status_code
