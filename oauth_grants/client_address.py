"""The client's address: the one answer every rate limit, lockout, audit
record and the /metrics allow-list use.

Behind a reverse proxy or load balancer the TCP peer (``REMOTE_ADDR``) is the
proxy, and every person would share its address. ``X-Forwarded-For`` carries
the chain, but anyone can send that header: only the hops a trusted proxy
appended can be believed. So the chain is walked from the right, starting at
the peer: while the current hop is a trusted proxy (``TRUSTED_PROXIES``,
addresses or networks), the entry to its left is the next hop. The first
untrusted hop is the client. A malformed entry ends the walk at the trusted
hop that passed it on. With no trusted proxies configured (the default), the
header changes nothing (the approach of Werkzeug's ProxyFix and of nginx's
``set_real_ip_from`` with ``real_ip_recursive on``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from oauth_grants.conf import app_settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Where the answer is kept on request.META (DOT copies META into the oauthlib
# request's headers, so the validator reads the same key).
META_KEY = "AUTHSERVER_CLIENT_ADDRESS"
# One forwarded chain longer than this is not walked further (a bound on work
# an attacker can ask for with a long header).
MAX_HOPS = 20


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(app_settings.TRUSTED_PROXIES))


def _parse(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: Iterable[Network]) -> bool:
    return any(address in network for network in networks)


def client_address_from_meta(meta: Mapping[str, Any]) -> str | None:
    """The client's address from a WSGI environ (or DOT's copy of it)."""
    cached = meta.get(META_KEY)
    if cached is not None:
        return cached or None
    peer = _parse(str(meta.get("REMOTE_ADDR") or ""))
    if peer is None:
        return None
    networks = trusted_networks()
    current = peer
    if networks and _trusted(current, networks):
        forwarded = str(meta.get("HTTP_X_FORWARDED_FOR") or "")
        hops = [hop for hop in forwarded.split(",") if hop.strip()][-MAX_HOPS:]
        for hop in reversed(hops):
            if not _trusted(current, networks):
                break
            parsed = _parse(hop)
            if parsed is None:
                break
            current = parsed
    return str(current)


def client_address(request: Any) -> str | None:
    """The client's address for this request, computed once and kept on it."""
    meta = request.META
    if META_KEY not in meta:
        meta[META_KEY] = client_address_from_meta(meta) or ""
    return meta[META_KEY] or None
