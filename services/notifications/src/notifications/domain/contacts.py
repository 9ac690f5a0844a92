"""What the service knows of a volunteer in order to write to them, and nothing more."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

# The fields of a volunteer's events that a contact keeps.
CONTACT_FIELDS = ("name", "email", "phone")


@dataclass(frozen=True)
class Contact:
    """A volunteer's name, e-mail address and mobile phone (for SMS).

    Stored sealed under the volunteer's key, which their withdrawal destroys.
    """

    volunteer_id: str
    name: str
    email: str | None = None
    phone: str | None = None

    @classmethod
    def from_registration(cls, payload: Mapping[str, Any]) -> Contact:
        """The contact in a VolunteerRegistered payload."""
        return cls(
            str(payload["volunteer_id"]),
            payload["name"],
            payload.get("email"),
            payload.get("phone"),
        )

    def updated(self, changes: Mapping[str, Any]) -> Contact:
        """The contact after a VolunteerProfileUpdated payload (only changed fields are present)."""
        contact = self
        if "name" in changes:
            contact = replace(contact, name=changes["name"])
        if "email" in changes:
            contact = replace(contact, email=changes["email"])
        if "phone" in changes:
            contact = replace(contact, phone=changes["phone"])
        return contact
