"""Where a webhook may be sent: only to public addresses, so that nobody who can register an endpoint can make
the server call into its own network (server-side request forgery).

The host is resolved and every address it resolves to must be public, when the endpoint is saved and again
right before each request; the request then goes to the address that was checked (no second lookup a DNS
server could answer differently). WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=1 lifts the rule, for a receiver inside the
operator's own network (and for the tests' receiver on loopback)."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_PORTS = {"http": 80, "https": 443}


class AddressRefused(ValueError):
    """The URL may not be called; the message says why, for the admin who entered it."""


@dataclass(frozen=True)
class Target:
    """A URL's host, and the checked address a request to it is sent to."""

    scheme: str
    host: str
    port: int
    address: str


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Not private, loopback, link-local, multicast, reserved or unspecified (nor an IPv4 one of those written
    as IPv6)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    refused = (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
    return address.is_global and not refused


def resolve(url: str) -> Target:
    """The address to send to, after checking the URL and every address its host resolves to."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise AddressRefused("Only http and https URLs can receive webhooks.")
    if parts.username or parts.password:
        raise AddressRefused("Put no user name or password in the URL; the signature authenticates us.")
    host = parts.hostname
    if not host:
        raise AddressRefused("The URL has no host.")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as error:
        raise AddressRefused("The URL's port is not a number between 0 and 65535.") from error
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"{host} does not resolve to an address.") from error
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        for address in addresses:
            if not is_public(ipaddress.ip_address(address.split("%")[0])):
                raise AddressRefused(
                    f"{host} resolves to {address}, a private, loopback, link-local, multicast or reserved "
                    "address; webhooks go to public addresses only (WEBHOOKS_ALLOW_PRIVATE_ADDRESSES)."
                )
    return Target(scheme=parts.scheme, host=host, port=port, address=addresses[0])
