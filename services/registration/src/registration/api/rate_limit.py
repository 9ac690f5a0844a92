"""The rate limits of the public sign-up and of the login routes: per client address, in storage
the web processes share.

Flask-Limiter counts in `RATE_LIMIT_STORAGE_URL` (`memory://`: each process on its own; `redis://…`:
every process and machine pointing there shares one count), under keys prefixed with the stack's
`AMQP_PREFIX` and the service, so stacks sharing a Redis count apart. When the shared storage does
not answer, each process counts in its own memory until it does, rather than refusing sign-ups.
The client is the peer address, or the address `TRUSTED_PROXY_COUNT` proxies vouch for in
`X-Forwarded-For` (the app factory's ProxyFix sets it as `request.remote_addr`).
A sign-up carrying a valid operator token (scope `volunteers:write`, e.g. `make seed`'s) is not
counted: the limit guards the public form, not the association's own tools.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint

from association.auth import TokenError, principal_from_request
from association.settings import Settings


def by_operator() -> bool:
    """Whether the current request carries a valid token with the scope `volunteers:write`."""
    if "Authorization" not in request.headers:
        return False
    try:
        return principal_from_request().has("volunteers:write")
    except TokenError:
        return False


def _limiter(blueprint: Blueprint, settings: Settings, name: str = "") -> Limiter:
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=settings.rate_limit_storage_url,
        key_prefix=f"{settings.amqp_prefix}{settings.service}{name}",
        in_memory_fallback_enabled=True,
        headers_enabled=True,
    )
    blueprint.record_once(lambda state: limiter.init_app(state.app))
    return limiter


def signup_limits(blueprint: Blueprint, settings: Settings) -> list[Callable[[Any], Any]]:
    """The decorators limiting POSTs of a view of `blueprint` (none when the limit is `off`)."""
    rate = settings.signup_rate_limit.strip()
    if rate.lower() == "off":
        return []
    limiter = _limiter(blueprint, settings)
    return [limiter.limit(rate, methods=["POST"], exempt_when=by_operator)]


def login_limit(blueprint: Blueprint, settings: Settings, rate: str) -> Callable[[Any], Any]:
    """The decorator limiting, per client address, the POSTs of the login routes together
    (`LOGIN_RATE_LIMIT`; `off`: none)."""
    if rate.strip().lower() == "off":
        return lambda view: view
    limiter = _limiter(blueprint, settings, ".logins")
    return limiter.shared_limit(rate.strip(), scope="logins", methods=["POST"])
