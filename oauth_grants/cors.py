"""Cross-origin requests from browser apps (the Fetch standard's CORS protocol).

A single-page app on another origin calls the token, revocation and
UserInfo endpoints, the discovery documents and the JWKS. The rules:

* a client's allowed origins are registered with it (``Client.allowed_origins``,
  validated by ``validate_origin``: ``scheme://host[:port]``, https except on
  loopback);
* token and revocation: ``Access-Control-Allow-Origin`` only for an origin the
  request's own client allows (its ``client_id``, from Basic or the body);
  UserInfo: an origin the token's client allows. A preflight carries no
  client id, so it is answered for an origin that some enabled client allows;
  the actual response is then held to the request's client;
* discovery documents and the JWKS are public: any origin;
* never ``Access-Control-Allow-Credentials``: these endpoints take no cookies,
  so a page cannot spend the person's session through them;
* ``Vary: Origin`` on every answer, so a shared cache keeps them apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from oauth_grants.redirect_uris import parse_uri_list

if TYPE_CHECKING:
    from oauth_grants.models import Client

LOOPBACK_ORIGIN_HOSTS = {"127.0.0.1", "[::1]", "localhost"}
PREFLIGHT_MAX_AGE_SECONDS = 600
ALLOWED_REQUEST_HEADERS = "Authorization, Content-Type"
EXPOSED_HEADERS = "WWW-Authenticate, Retry-After"
MAX_ORIGIN_LENGTH = 300

# The client_id of the token a view answered for (UserInfo); set by the view.
TOKEN_CLIENT_ID_ATTRIBUTE = "cors_client_id"


@dataclass(frozen=True)
class OriginPolicy:
    """Who may read an endpoint's answers from another origin.

    ``preflight(origin)`` decides a preflight, which names no client;
    ``actual(request, origin)`` the response itself, once the view has run.
    ``wildcard``: answer ``*`` (public documents) instead of the origin.
    """

    preflight: Callable[[str], bool]
    actual: Callable[[HttpRequest, str], bool]
    wildcard: bool = False


def validate_origin(origin: str) -> str:
    """Return ``origin`` in its canonical form, or raise ValidationError.

    An origin is ``scheme://host[:port]`` (RFC 6454 §7): no path, query,
    fragment or user information; https, or http on a loopback host.
    The scheme and host are lowercased and a default port dropped, as
    browsers send them in the ``Origin`` header.
    """
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(
            _("%(origin)s is not a valid origin.") % {"origin": origin}
        ) from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = "[%s]" % host
    if (
        len(origin) > MAX_ORIGIN_LENGTH
        or not host
        or "@" in parts.netloc
        or parts.path
        or parts.query
        or parts.fragment
        or "?" in origin
        or "#" in origin
        or port == 0
    ):
        raise ValidationError(
            _(
                "%(origin)s is not an origin: scheme://host[:port], with no "
                "path, query or user information."
            )
            % {"origin": origin}
        )
    if scheme != "https" and not (scheme == "http" and host in LOOPBACK_ORIGIN_HOSTS):
        raise ValidationError(
            _(
                "%(origin)s: an allowed origin uses https (http only on "
                "127.0.0.1, [::1] or localhost)."
            )
            % {"origin": origin}
        )
    default_port = 443 if scheme == "https" else 80
    if port is None or port == default_port:
        return "%s://%s" % (scheme, host)
    return "%s://%s:%d" % (scheme, host, port)


parse_origins = parse_uri_list


def origin_allowed_for_client(client: Client | None, origin: str) -> bool:
    return (
        client is not None
        and client.enabled
        and (origin in parse_origins(client.allowed_origins))
    )


def origin_allowed_for_some_client(origin: str) -> bool:
    """Is ``origin`` an allowed origin of any enabled client (for preflights)?"""
    from oauth_grants.models import Client

    candidates = Client.objects.filter(
        enabled=True, allowed_origins__contains=origin
    ).values_list("allowed_origins", flat=True)
    return any(origin in parse_origins(text) for text in candidates)


def _request_origin(request: HttpRequest) -> str | None:
    origin = request.META.get("HTTP_ORIGIN")
    if not origin or len(origin) > MAX_ORIGIN_LENGTH or not origin.isprintable():
        return None
    return origin


def _named_client_allows(request: HttpRequest, origin: str) -> bool:
    """The client the request names (Basic or body client_id) allows ``origin``."""
    from oauth_grants.client_auth import claimed_client_id, client_of

    claimed = claimed_client_id(
        request.META.get("HTTP_AUTHORIZATION"), request.POST.get("client_id")
    )
    # The row the endpoint loaded to authenticate it, when it did.
    return origin_allowed_for_client(client_of(request, claimed), origin)


def _token_client_allows(request: HttpRequest, origin: str) -> bool:
    """The client of the token the view accepted allows ``origin``."""
    from oauth_grants.client_auth import load_client

    client_id = getattr(request, TOKEN_CLIENT_ID_ATTRIBUTE, None)
    return origin_allowed_for_client(load_client(client_id), origin)


def _anyone(*args: object) -> bool:
    return True


# Token and revocation endpoints: the request's own client.
REQUEST_CLIENT = OriginPolicy(origin_allowed_for_some_client, _named_client_allows)
# UserInfo: the client the presented token was issued to.
TOKEN_CLIENT = OriginPolicy(origin_allowed_for_some_client, _token_client_allows)
# Discovery documents and the JWKS: public.
ANY_ORIGIN = OriginPolicy(_anyone, _anyone, wildcard=True)


def listed_origins(origins: Callable[[], Iterable[str]]) -> OriginPolicy:
    """A fixed list of origins, read when asked (``*`` in it: any origin)."""

    def allowed(origin: str) -> bool:
        listed = set(origins())
        return "*" in listed or origin in listed

    return OriginPolicy(allowed, lambda request, origin: allowed(origin))


def _allow(response: HttpResponseBase, origin: str, policy: OriginPolicy) -> None:
    response["Access-Control-Allow-Origin"] = "*" if policy.wildcard else origin
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS


def cors(
    policy: OriginPolicy, methods: str
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Answer preflights and mark the responses of a view for ``policy``.

    ``methods``: what the endpoint takes, e.g. ``"GET, POST"``. A request
    without an ``Origin`` header is passed through untouched but for
    ``Vary: Origin``.
    """

    def decorate(
        view: Callable[..., HttpResponseBase],
    ) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(
            request: HttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            origin = _request_origin(request)
            response: HttpResponseBase
            if (
                origin is not None
                and request.method == "OPTIONS"
                and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META
            ):
                response = HttpResponse(status=204)
                if policy.preflight(origin):
                    _allow(response, origin, policy)
                    response["Access-Control-Allow-Methods"] = methods
                    response["Access-Control-Allow-Headers"] = ALLOWED_REQUEST_HEADERS
                    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
            else:
                response = view(request, *args, **kwargs)
                if origin is not None and policy.actual(request, origin):
                    _allow(response, origin, policy)
            patch_vary_headers(response, ["Origin"])
            return response

        return wrapped

    return decorate
