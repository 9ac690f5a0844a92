"""Which webhook URLs a partner may register: http(s) only, on the public internet only.

Every address a host name resolves to must be globally routable: private (10/8, 172.16/12,
192.168/16, fc00::/7), link-local (169.254/16, fe80::/10, where cloud metadata services live),
shared address space (100.64/10: Alibaba Cloud's metadata service is 100.100.100.200), loopback,
unspecified, multicast, reserved, documentation and every other range Python's `ipaddress` does not
call global are refused, and so is an IPv6 address that carries one of them (IPv4-mapped, 6to4,
Teredo, NAT64). Loopback passes only when the operator allows it (`WEBHOOK_ALLOW_LOOPBACK`, for
tests and local runs). A refused address and a name that does not resolve get the same message, so
the answer does not tell which names exist inside the deployment; the reason stays in `detail`, for
the log. The check is repeated at each delivery, on the address actually connected to.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
PUBLIC_ONLY = "must be a public http(s) address"

# The NAT64 well-known prefix: a gateway that has one forwards to the IPv4 address in its last bits.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

Resolver = Callable[[str, int], Sequence[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UrlRefused(ValueError):
    """A webhook URL that may not be used; the message is what the partner is told.

    `detail` says why for the log (which address, whether the name resolved); it is never shown
    to the partner.
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message


@dataclass(frozen=True)
class WebhookTarget:
    """Where a webhook URL points: scheme, host, port, path and the addresses that passed."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def _carried(ip: IPAddress) -> Iterator[IPAddress]:
    """What a connection to `ip` reaches: an IPv4-mapped or NAT64 address stands for its IPv4
    address, a 6to4 or Teredo one is itself and the IPv4 address it carries."""
    if isinstance(ip, ipaddress.IPv4Address):
        yield ip
    elif ip.ipv4_mapped is not None:
        yield ip.ipv4_mapped
    elif ip in NAT64:
        yield ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    else:
        yield ip
        if ip.sixtofour is not None:
            yield ip.sixtofour
        if ip.teredo is not None:
            yield from ip.teredo


def _is_public(ip: IPAddress) -> bool:
    # is_global alone lets multicast, fec0::/10 and the mapped forms (whose own bits look global)
    # through, so those are refused by name as well.
    return (
        ip.is_global
        and not ip.is_multicast
        and not ip.is_reserved
        and not (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    )


def address_allowed(address: str, *, allow_loopback: bool) -> bool:
    """Whether webhooks may be sent to `address` (an IPv4 or IPv6 address, maybe with a scope)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    carried = list(_carried(ip))
    if allow_loopback and any(each.is_loopback for each in carried):
        return True
    return all(_is_public(each) for each in carried)


def parse_webhook_url(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path (with query) of an http(s) URL; raises UrlRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UrlRefused(f"not a valid URL: {error}") from error
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UrlRefused("only http and https URLs are accepted")
    if not parts.hostname:
        raise UrlRefused("the URL names no host")
    if parts.username or parts.password:
        raise UrlRefused("credentials in the URL are not accepted; verify the signature instead")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, parts.hostname, port or DEFAULT_PORTS[scheme], path


def check_webhook_url(url: str, *, allow_loopback: bool, resolve: Resolver) -> WebhookTarget:
    """The target of `url` when every address it resolves to may receive webhooks.

    Raises UrlRefused: with what is wrong for a malformed or non-http(s) URL, with the one message
    `PUBLIC_ONLY` for a host that does not resolve or has an address that is not public.
    """
    scheme, host, port, path = parse_webhook_url(url)
    try:
        addresses = tuple(dict.fromkeys(resolve(host, port)))
    except (OSError, UnicodeError) as error:
        raise UrlRefused(PUBLIC_ONLY, f"{host} does not resolve: {error}") from error
    if not addresses:
        raise UrlRefused(PUBLIC_ONLY, f"{host} resolves to no address")
    for address in addresses:
        if not address_allowed(address, allow_loopback=allow_loopback):
            raise UrlRefused(PUBLIC_ONLY, f"{host} resolves to {address}, which is not public")
    return WebhookTarget(scheme, host, port, path, addresses)
