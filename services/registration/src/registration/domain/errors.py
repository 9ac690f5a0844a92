"""Why registration refuses a command: not found, a conflict, a broken rule or a stale version.

Each refusal carries its message and, where fields are at fault, {field: [messages]}; the API
turns them into its JSON errors in one place (`registration.api.errors`).
"""

from __future__ import annotations

from association.refusals import Conflict, Invalid, NotFound, Refusal


class VolunteerNotFound(NotFound):
    """No active volunteer has this id (never registered, or withdrawn)."""

    def __init__(self, volunteer_id: str) -> None:
        super().__init__(f"no volunteer {volunteer_id}")


class ImportNotFound(NotFound):
    """No import of volunteers has this id."""

    def __init__(self, import_id: str) -> None:
        super().__init__(f"no import {import_id}")


class DuplicateIdentity(Conflict):
    """Another active volunteer already holds this phone or ID number (`kind` says which)."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"this {kind} is already registered", {kind: ["already registered"]})
        self.kind = kind


class DuplicateOrganisation(Conflict):
    """An organisation of this name is already a member."""

    def __init__(self, name: str) -> None:
        super().__init__(
            "an organisation of this name is already a member", {"name": ["already a member"]}
        )
        self.name = name


class RuleViolation(Invalid):
    """One or more fields of a sign-up break a registration rule: {field: [messages]}."""

    summary = "the sign-up breaks a rule"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(self.summary, errors)

    @classmethod
    def of(cls, field: str, message: str) -> RuleViolation:
        return cls({field: [message]})


class ChangeRefused(RuleViolation):
    """One or more fields of a profile change break a registration rule."""

    summary = "the change breaks a rule"


class VersionMismatch(Refusal):
    """The volunteer changed since the caller read it (its If-Match no longer holds)."""

    def __init__(self, current: int) -> None:
        super().__init__(f"the volunteer is at version {current}")
        self.current = current


class RosterRefused(Invalid):
    """A file of volunteers that cannot be read as one: its problems name no row, only the file."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the file cannot be imported", {"file": problems})
