"""DOT's bridge between Django requests and oauthlib, with one repair.

Stock ``OAuthLibCore.extract_body`` keeps only the last value of a repeated
body parameter, so oauthlib never sees the duplicate that RFC 6749 §3.1 says
must be refused ("Request and response parameters MUST NOT be included more
than once"). Here every value is passed through and oauthlib answers
``invalid_request``.
"""

from __future__ import annotations

from django.http import HttpRequest
from oauth2_provider.oauth2_backends import OAuthLibCore


class StrictOAuthLibCore(OAuthLibCore):
    def extract_body(self, request: HttpRequest) -> list[tuple[str, str]]:
        return [
            (key, value) for key, values in request.POST.lists() for value in values
        ]
