"""Which webhook URLs may be used: http(s), never link-local, loopback only if allowed."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from notifications.domain.webhook_urls import UrlRefused, address_refusal, check_webhook_url


def resolver(*addresses: str):  # type: ignore[no-untyped-def]
    """A fixed DNS answer, as the resolver the check is given."""

    def resolve(host: str, port: int) -> Sequence[str]:
        return addresses

    return resolve


def literal(host: str, port: int) -> Sequence[str]:
    return [host]


def test_an_https_url_on_a_public_address_is_accepted() -> None:
    target = check_webhook_url(
        "https://hooks.example.edu.cn/association?src=1",
        allow_loopback=False,
        resolve=resolver("203.0.113.10"),
    )
    assert (target.scheme, target.host, target.port, target.path) == (
        "https",
        "hooks.example.edu.cn",
        443,
        "/association?src=1",
    )
    assert target.addresses == ("203.0.113.10",)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://x", "example.com/hook", ""]
)
def test_only_http_and_https_are_accepted(url: str) -> None:
    with pytest.raises(UrlRefused, match="http"):
        check_webhook_url(url, allow_loopback=True, resolve=resolver("203.0.113.10"))


@pytest.mark.parametrize(
    "address", ["169.254.169.254", "169.254.0.1", "fe80::1", "::ffff:169.254.169.254"]
)
def test_link_local_addresses_are_refused_even_when_loopback_is_allowed(address: str) -> None:
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(UrlRefused, match="link-local"):
        check_webhook_url(f"http://{host}/latest/meta-data", allow_loopback=True, resolve=literal)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_loopback_is_refused_unless_allowed(address: str) -> None:
    host = f"[{address}]" if ":" in address else address
    url = f"http://{host}:8080/hook"
    with pytest.raises(UrlRefused, match="loopback"):
        check_webhook_url(url, allow_loopback=False, resolve=literal)
    assert check_webhook_url(url, allow_loopback=True, resolve=literal).port == 8080


def test_a_host_name_is_refused_when_any_of_its_addresses_is() -> None:
    with pytest.raises(UrlRefused, match=r"partner\.example resolves to 169\.254\.1\.1"):
        check_webhook_url(
            "https://partner.example/hook",
            allow_loopback=False,
            resolve=resolver("203.0.113.10", "169.254.1.1"),
        )


def test_a_host_that_does_not_resolve_is_refused() -> None:
    def fails(host: str, port: int) -> Sequence[str]:
        raise OSError("Name or service not known")

    with pytest.raises(UrlRefused, match="does not resolve"):
        check_webhook_url("https://nowhere.invalid/", allow_loopback=False, resolve=fails)


@pytest.mark.parametrize("address", ["0.0.0.0", "224.0.0.1", "240.0.0.1"])
def test_unspecified_multicast_and_reserved_addresses_are_refused(address: str) -> None:
    assert address_refusal(address, allow_loopback=True) is not None


def test_private_network_addresses_are_accepted() -> None:
    assert address_refusal("10.1.2.3", allow_loopback=False) is None


def test_credentials_in_the_url_are_refused() -> None:
    with pytest.raises(UrlRefused, match="credentials"):
        check_webhook_url(
            "https://user:pw@example.com/", allow_loopback=False, resolve=resolver("203.0.113.1")
        )


def test_a_url_with_a_bad_port_is_refused() -> None:
    with pytest.raises(UrlRefused, match="not a valid URL"):
        check_webhook_url("http://example.com:99999/", allow_loopback=False, resolve=literal)
