"""Which webhook URLs may be used: http(s) on public addresses, loopback only if allowed.

The table holds one row per refused range; each is refused as a literal address and as a name
resolving to it, always with the same message, which never says whether the name resolved.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from notifications.domain.webhook_urls import (
    PUBLIC_ONLY,
    UrlRefused,
    address_allowed,
    check_webhook_url,
)

PUBLIC = "93.184.216.34"

REFUSED = [
    pytest.param("10.1.2.3", id="private 10/8"),
    pytest.param("172.16.0.1", id="private 172.16/12"),
    pytest.param("172.31.255.254", id="private 172.16/12, top"),
    pytest.param("192.168.1.1", id="private 192.168/16"),
    pytest.param("169.254.169.254", id="link-local 169.254/16 (metadata)"),
    pytest.param("fe80::1", id="link-local fe80::/10"),
    pytest.param("fe80::1%eth0", id="link-local with a scope"),
    pytest.param("100.64.0.1", id="CGNAT 100.64/10"),
    pytest.param("100.100.100.200", id="CGNAT: Alibaba Cloud metadata"),
    pytest.param("fc00::1", id="unique-local fc00::/7"),
    pytest.param("fd00::1", id="unique-local fd00::/8"),
    pytest.param("fd12:3456:789a::1", id="unique-local fd00::/8, inside"),
    pytest.param("224.0.0.1", id="multicast 224/4"),
    pytest.param("239.255.255.250", id="multicast, organisation-local"),
    pytest.param("ff02::1", id="multicast ff00::/8"),
    pytest.param("240.0.0.1", id="reserved 240/4"),
    pytest.param("255.255.255.255", id="broadcast"),
    pytest.param("0.0.0.0", id="unspecified 0.0.0.0"),
    pytest.param("0.1.2.3", id="this network 0/8"),
    pytest.param("::", id="unspecified ::"),
    pytest.param("127.0.0.1", id="loopback 127/8"),
    pytest.param("127.8.9.10", id="loopback 127/8, inside"),
    pytest.param("::1", id="loopback ::1"),
    pytest.param("192.0.2.1", id="documentation 192.0.2/24"),
    pytest.param("198.18.0.1", id="benchmarking 198.18/15"),
    pytest.param("2001:db8::1", id="documentation 2001:db8::/32"),
    pytest.param("fec0::1", id="site-local fec0::/10"),
    pytest.param("::ffff:10.0.0.1", id="IPv4-mapped private"),
    pytest.param("::ffff:169.254.169.254", id="IPv4-mapped link-local"),
    pytest.param("::ffff:100.100.100.200", id="IPv4-mapped CGNAT"),
    pytest.param("::ffff:127.0.0.1", id="IPv4-mapped loopback"),
    pytest.param("::ffff:0.0.0.0", id="IPv4-mapped unspecified"),
    pytest.param("::10.0.0.1", id="IPv4-compatible"),
    pytest.param("64:ff9b::a00:1", id="NAT64 of 10.0.0.1"),
    pytest.param("2002:a00:1::1", id="6to4 of 10.0.0.1"),
    pytest.param("2002:a9fe:a9fe::1", id="6to4 of 169.254.169.254"),
    pytest.param("not-an-address", id="garbage from the resolver"),
]

ALLOWED = [
    pytest.param("93.184.216.34", id="public IPv4"),
    pytest.param("8.8.8.8", id="public IPv4, another"),
    pytest.param("2606:4700::1111", id="public IPv6"),
    pytest.param("2001:4860:4860::8888", id="public IPv6, another"),
    pytest.param("::ffff:93.184.216.34", id="IPv4-mapped public"),
    pytest.param("64:ff9b::5db8:d822", id="NAT64 of a public address"),
]

LOOPBACK = ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]


def resolver(*addresses: str):  # type: ignore[no-untyped-def]
    """A fixed DNS answer, as the resolver the check is given."""

    def resolve(host: str, port: int) -> Sequence[str]:
        return addresses

    return resolve


def literal(host: str, port: int) -> Sequence[str]:
    return [host]


def url_on(address: str) -> str:
    return f"http://[{address}]/hook" if ":" in address else f"http://{address}/hook"


@pytest.mark.parametrize("address", REFUSED)
def test_a_url_on_an_address_that_is_not_public_is_refused_with_the_one_message(
    address: str,
) -> None:
    assert not address_allowed(address, allow_loopback=False)
    if "%" not in address and "-" not in address:  # not writable as a URL's host
        with pytest.raises(UrlRefused) as literally:
            check_webhook_url(url_on(address), allow_loopback=False, resolve=literal)
        assert str(literally.value) == PUBLIC_ONLY
    with pytest.raises(UrlRefused) as by_name:
        check_webhook_url(
            "https://partner.example/hook", allow_loopback=False, resolve=resolver(address)
        )
    assert str(by_name.value) == PUBLIC_ONLY
    assert address in by_name.value.detail  # the log may say which


@pytest.mark.parametrize("address", REFUSED)
def test_a_name_is_refused_when_any_one_of_its_addresses_is_not_public(address: str) -> None:
    with pytest.raises(UrlRefused, match=r"^must be a public http\(s\) address$"):
        check_webhook_url(
            "https://partner.example/hook",
            allow_loopback=False,
            resolve=resolver(PUBLIC, address),
        )


@pytest.mark.parametrize("address", ALLOWED)
def test_a_public_address_is_accepted(address: str) -> None:
    assert address_allowed(address, allow_loopback=False)
    target = check_webhook_url(url_on(address), allow_loopback=False, resolve=literal)
    assert target.addresses == (address,)


def test_an_https_url_on_a_name_with_public_addresses_is_accepted() -> None:
    target = check_webhook_url(
        "https://hooks.example.edu.cn/association?src=1",
        allow_loopback=False,
        resolve=resolver(PUBLIC, "2606:4700::1111", PUBLIC),
    )
    assert (target.scheme, target.host, target.port, target.path) == (
        "https",
        "hooks.example.edu.cn",
        443,
        "/association?src=1",
    )
    assert target.addresses == (PUBLIC, "2606:4700::1111")


@pytest.mark.parametrize("address", LOOPBACK)
def test_loopback_is_refused_unless_allowed(address: str) -> None:
    url = url_on(address).replace("/hook", ":8080/hook")
    with pytest.raises(UrlRefused, match=r"^must be a public http\(s\) address$"):
        check_webhook_url(url, allow_loopback=False, resolve=literal)
    assert check_webhook_url(url, allow_loopback=True, resolve=literal).port == 8080


@pytest.mark.parametrize("address", [a for a in REFUSED if a.values[0] not in LOOPBACK])
def test_allowing_loopback_allows_nothing_else(address: str) -> None:
    assert not address_allowed(address, allow_loopback=True)


def test_a_name_that_does_not_resolve_gets_the_same_message_as_a_refused_address() -> None:
    def fails(host: str, port: int) -> Sequence[str]:
        raise OSError("Name or service not known")

    with pytest.raises(UrlRefused) as unresolved:
        check_webhook_url("https://nowhere.invalid/", allow_loopback=False, resolve=fails)
    with pytest.raises(UrlRefused) as private:
        check_webhook_url(
            "https://db.internal/", allow_loopback=False, resolve=resolver("10.0.0.5")
        )
    with pytest.raises(UrlRefused) as empty:
        check_webhook_url("https://empty.example/", allow_loopback=False, resolve=resolver())
    assert str(unresolved.value) == str(private.value) == str(empty.value) == PUBLIC_ONLY
    assert "resolve" not in str(unresolved.value)
    assert "does not resolve" in unresolved.value.detail


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://x", "example.com/hook", ""]
)
def test_only_http_and_https_are_accepted(url: str) -> None:
    with pytest.raises(UrlRefused, match="http"):
        check_webhook_url(url, allow_loopback=True, resolve=resolver(PUBLIC))


def test_credentials_in_the_url_are_refused() -> None:
    with pytest.raises(UrlRefused, match="credentials"):
        check_webhook_url(
            "https://user:pw@example.com/", allow_loopback=False, resolve=resolver(PUBLIC)
        )


def test_a_url_with_a_bad_port_is_refused() -> None:
    with pytest.raises(UrlRefused, match="not a valid URL"):
        check_webhook_url("http://example.com:99999/", allow_loopback=False, resolve=literal)
