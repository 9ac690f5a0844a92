"""Why the service turns a request down: what is asked for is unknown, or not in a fitting state."""

from __future__ import annotations


class Refused(Exception):
    """A request the rules turn down; the message says why, in the caller's terms."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(Refused):
    """Nothing known here by that id (or nothing the caller may see)."""


class Conflict(Refused):
    """The request does not fit the current state of what it names."""


class UnknownVolunteer(NotFound):
    """The service knows nothing of the volunteer: never heard of, or withdrawn."""


class UnknownSubscription(NotFound):
    """No such subscription, or one of another partner."""


class NotPaused(Conflict):
    """Only a paused subscription can be resumed."""
