"""Which webhook URLs a partner may register: http(s) only, and never a way into the host.

Addresses that are link-local (169.254.0.0/16, fe80::/10, where cloud metadata services live),
unspecified, multicast or reserved are always refused; loopback only when the operator allows it
(`WEBHOOK_ALLOW_LOOPBACK`, for tests and local runs). Every address a host name resolves to must
pass, and the check is repeated at each delivery, on the address actually connected to.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}

Resolver = Callable[[str, int], Sequence[str]]


class UrlRefused(ValueError):
    """A webhook URL that may not be used; the message says why."""


@dataclass(frozen=True)
class WebhookTarget:
    """Where a webhook URL points: scheme, host, port, path and the addresses that passed."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def address_refusal(address: str, *, allow_loopback: bool) -> str | None:
    """What kind of forbidden address `address` is ("a link-local address"), or None if allowed."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_loopback:
        return None if allow_loopback else "a loopback address"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return "not a routable unicast address"
    return None


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

    Raises UrlRefused naming the first reason it may not.
    """
    scheme, host, port, path = parse_webhook_url(url)
    try:
        addresses = tuple(dict.fromkeys(resolve(host, port)))
    except OSError as error:
        raise UrlRefused(f"the host {host} does not resolve: {error}") from error
    if not addresses:
        raise UrlRefused(f"the host {host} does not resolve")
    for address in addresses:
        refusal = address_refusal(address, allow_loopback=allow_loopback)
        if refusal:
            where = address if address == host else f"{host} resolves to {address}, which"
            raise UrlRefused(f"{where} is {refusal}; webhooks may not go there")
    return WebhookTarget(scheme, host, port, path, addresses)
