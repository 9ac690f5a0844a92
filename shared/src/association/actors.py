"""Who did it: the actor of the request or message in hand, which every new event records.

An actor is a kind and, for everyone but the public and the services themselves, the `sub` of
the token that acted:

- `volunteer`: a token of role volunteer (a volunteer acting on their own record);
- `staff`: a token of role coordinator or office;
- `partner`: a token without a role that carries the `partner` scope;
- `admin`: any other token without a role (operators, `make token`, `make seed`);
- `public`: a request without a valid token (a resident signing up);
- `system`: a consumer, a relay or a command acting on its own (no id).

The actor is context-local: the web layer sets it for each request from its bearer token, the
consumer sets `system` around each handler, and everything else (workers, commands) is `system`
by default. None means the actor is not known: an event stored before actors were recorded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from association.auth.tokens import Principal

VOLUNTEER, STAFF, ADMIN, PARTNER, PUBLIC, SYSTEM = (
    "volunteer",
    "staff",
    "admin",
    "partner",
    "public",
    "system",
)
KINDS = (VOLUNTEER, STAFF, ADMIN, PARTNER, PUBLIC, SYSTEM)
# The kinds that name nobody: their actor's id is always None.
ANONYMOUS = frozenset({PUBLIC, SYSTEM})
# The longest actor id (a token's `sub`) an envelope carries.
MAX_ID_LENGTH = 255
_STAFF_ROLES = frozenset({"coordinator", "office"})
_PARTNER_SCOPE = "partner"


@dataclass(frozen=True)
class Actor:
    """Who did something: a kind of `KINDS` and the token's `sub` (None for public and system)."""

    kind: str
    id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown actor kind {self.kind!r}; known: {' '.join(KINDS)}")
        if self.kind in ANONYMOUS and self.id is not None:
            raise ValueError(f"a {self.kind} actor has no id")

    def to_dict(self) -> dict[str, Any]:
        """The actor as events carry it: `{"kind", "id"}`."""
        return {"kind": self.kind, "id": self.id}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Actor | None:
        """The actor an event carries (None when it carries none)."""
        if data is None:
            return None
        return cls(kind=data["kind"], id=data.get("id"))


PUBLIC_ACTOR = Actor(PUBLIC)
SYSTEM_ACTOR = Actor(SYSTEM)


def actor_of(principal: Principal | None) -> Actor:
    """The actor a request speaks for: its token's principal, or the public without one."""
    if principal is None:
        return PUBLIC_ACTOR
    if principal.role == "volunteer":
        return Actor(VOLUNTEER, principal.sub)
    if principal.role in _STAFF_ROLES:
        return Actor(STAFF, principal.sub)
    if _PARTNER_SCOPE in principal.scopes:
        return Actor(PARTNER, principal.sub)
    return Actor(ADMIN, principal.sub)


def public_form(actor: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What partners see of an event's actor: its kind only, never who."""
    return None if actor is None else {"kind": actor["kind"]}


_current: ContextVar[Actor | None] = ContextVar("actor", default=SYSTEM_ACTOR)


def current_actor() -> Actor | None:
    """The actor of the work in hand: `system` outside any request or handler."""
    return _current.get()


def current_actor_dict() -> dict[str, Any] | None:
    """The actor of the work in hand as events carry it (None when unknown)."""
    actor = _current.get()
    return None if actor is None else actor.to_dict()


@contextmanager
def acting_as(actor: Actor | None) -> Iterator[Actor | None]:
    """Run a block as `actor` (None: unknown, e.g. replaying an event that names none)."""
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def set_actor(actor: Actor | None) -> object:
    """Make `actor` the current one; returns the token that `reset_actor` takes."""
    return _current.set(actor)


def reset_actor(token: object) -> None:
    """Restore the actor that was current before `set_actor` returned `token`."""
    _current.reset(token)  # type: ignore[arg-type]
