"""Why the rules refuse a command: not found (404), conflict (409) or invalid input (422)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused command; `errors` names the offending fields when there are any."""

    def __init__(self, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(DomainError):
    """The team, activity, volunteer or membership named does not exist here."""


class Conflict(DomainError):
    """The command clashes with the current state (duplicate, full, already done)."""


class Invalid(DomainError):
    """The command's content breaks a rule; `errors` says which fields."""


class TeamFull(Conflict):
    pass


class AlreadyMember(Conflict):
    pass


class DuplicateTeamName(Conflict):
    pass


class ActivityClosed(Conflict):
    """The activity was already completed or cancelled, or has not started yet."""


class NotAMember(NotFound):
    pass


class UnknownVolunteer(Invalid):
    pass


class InvalidAttendance(Invalid):
    pass
