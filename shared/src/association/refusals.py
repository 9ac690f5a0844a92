"""Why a service turns a command down, in the terms every service shares.

A refusal carries its message and, where fields are at fault, {field: [messages]}. Services
subclass these for their own cases; `association.web.refusals` turns them into the contract's
JSON errors: 404 for what is not found, 409 for a conflict, 422 for anything else.
"""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    """A command the rules turn down; `errors` names the offending fields when there are any."""

    def __init__(self, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(Refusal):
    """What the command names does not exist here (or not for the caller)."""


class Conflict(Refusal):
    """The command clashes with the current state (a duplicate, full, already done)."""


class Invalid(Refusal):
    """The command's content breaks a rule; `errors` says which fields."""
