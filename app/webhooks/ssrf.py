"""Server-side request forgery guard: in production, webhooks never reach private addresses.

Checked when an endpoint is registered and again right before each send, since DNS can
change in between. A name that resolves to several addresses is refused if any of them is
private. (httpx resolves once more when it connects; a DNS server that answers differently
within those milliseconds could still slip through. Pinning the address would close that.)
"""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from app.config import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def guarded(settings: Settings) -> bool:
    """Whether private targets are refused: in production only, so a local receiver works
    in development."""
    return settings.environment == "production"


def is_forbidden(address: IPAddress) -> bool:
    """Loopback, private, link-local, multicast, reserved, unspecified or otherwise not
    globally routable."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, with the event loop's resolver."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # Drop an IPv6 zone ("fe80::1%eth0"); the address itself is what we judge.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


async def refusal(url: str) -> str | None:
    """Why the server must not POST to `url`, or None when it may."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return "has no host"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = await resolve(host, port)
    except (OSError, UnicodeError) as exc:
        return f"host {host!r} does not resolve ({exc})"
    for address in addresses:
        if is_forbidden(address):
            return f"resolves to {address}, a loopback or private address"
    return None
