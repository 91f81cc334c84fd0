"""The address a request comes from: the peer, or the client a trusted reverse proxy names in X-Forwarded-For."""

from __future__ import annotations

import ipaddress

from starlette.requests import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: list[str]) -> tuple[Network, ...]:
    """Addresses or CIDR ranges, e.g. 127.0.0.1 or 10.0.0.0/8."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)


def client_address(request: Request, trusted: tuple[Network, ...]) -> str:
    """The peer; when it is a trusted proxy, the right-most X-Forwarded-For hop that is not a trusted proxy.

    X-Forwarded-For from anyone else is ignored: a client could otherwise claim any address it likes.
    """
    peer = request.client.host if request.client else "unknown"
    if not trusted or not _within(peer, trusted):
        return peer
    hops = [hop.strip() for part in request.headers.getlist("x-forwarded-for") for hop in part.split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _within(hop, trusted):
            return hop[:100] if _valid(hop) else peer
    return peer


def _within(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True
