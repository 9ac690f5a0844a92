"""The rate limit of the public sign-up: per client address, in storage the web processes share.

Flask-Limiter counts in `RATE_LIMIT_STORAGE_URL` (`memory://`: each process on its own; `redis://…`:
every process and machine pointing there shares one count), under keys prefixed with the stack's
`AMQP_PREFIX` and the service, so stacks sharing a Redis count apart. When the shared storage does
not answer, each process counts in its own memory until it does, rather than refusing sign-ups.
The client is the peer address, or the address `TRUSTED_PROXY_COUNT` proxies vouch for in
`X-Forwarded-For` (the app factory's ProxyFix sets it as `request.remote_addr`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint

from association.settings import Settings


def signup_limits(blueprint: Blueprint, settings: Settings) -> list[Callable[[Any], Any]]:
    """The decorators limiting POSTs of a view of `blueprint` (none when the limit is `off`)."""
    rate = settings.signup_rate_limit.strip()
    if rate.lower() == "off":
        return []
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=settings.rate_limit_storage_url,
        key_prefix=f"{settings.amqp_prefix}{settings.service}",
        in_memory_fallback_enabled=True,
        headers_enabled=True,
    )
    blueprint.record_once(lambda state: limiter.init_app(state.app))
    return [limiter.limit(rate, methods=["POST"])]
