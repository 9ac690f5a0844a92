"""Who reaches what: the one policy the three services' queries and commands consult.

A token's scope says which routes it may call (`association.auth.require_scope`); its `role`,
`org` and `sub` say which volunteers, teams and activities it reaches there:

- a volunteer (role `volunteer`, or any token carrying `self`): their own record only, the
  volunteer whose id is the token's `sub`; no team or activity;
- a coordinator (role `coordinator`): the volunteers whose organisation is the token's `org`, the
  teams of that organisation and their activities (nothing at all without an `org`);
- the office (role `office`), an admin or an operator's token without a role: everything.

Anything outside one's reach is answered as if it did not exist: the service's own "not found"
(404), or, for an id named in a request's body, the answer it gives to an unknown id. A query
narrows itself with `volunteers_where` / `teams_where`; a command checks what it loaded with
`reaches_volunteer` / `reaches_team`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from flask import g
from sqlalchemy import ColumnElement, false, true

from association.auth.tokens import COORDINATOR, OFFICE, SELF, VOLUNTEER, Principal


class Extent(Enum):
    EVERYTHING = "everything"
    OWN_RECORD = "own record"
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class Reach:
    """What one principal reaches: everything, one volunteer's own record, or one organisation."""

    extent: Extent
    volunteer_id: str | None = None
    organisation_id: str | None = None

    @classmethod
    def of(cls, principal: Principal) -> Reach:
        """The reach of a valid token's principal."""
        if principal.role == VOLUNTEER or (principal.role is None and SELF in principal.scopes):
            return cls(Extent.OWN_RECORD, volunteer_id=principal.sub)
        if principal.role == COORDINATOR:
            return cls(Extent.ORGANISATION, organisation_id=principal.org)
        if principal.role in (OFFICE, None):
            return EVERYTHING
        return NOTHING

    @property
    def everything(self) -> bool:
        return self.extent is Extent.EVERYTHING

    @property
    def coordinating(self) -> str | None:
        """A coordinator's organisation (the only one whose teams they create), else None."""
        return self.organisation_id if self.extent is Extent.ORGANISATION else None

    def reaches_volunteer(self, volunteer_id: Any, organisation_id: Any) -> bool:
        """Whether the volunteer with this id and organisation (or None) is within reach."""
        if self.extent is Extent.EVERYTHING:
            return True
        if self.extent is Extent.OWN_RECORD:
            return _text(volunteer_id) == self.volunteer_id
        return self.organisation_id is not None and _text(organisation_id) == self.organisation_id

    def reaches_team(self, organisation_id: Any) -> bool:
        """Whether a team of this organisation (or None), and its activities, are within reach."""
        if self.extent is Extent.EVERYTHING:
            return True
        if self.extent is Extent.OWN_RECORD:
            return False
        return self.organisation_id is not None and _text(organisation_id) == self.organisation_id

    def volunteers_where(
        self, volunteer_id: ColumnElement[Any], organisation_id: ColumnElement[Any]
    ) -> ColumnElement[bool]:
        """The SQL condition keeping a query's volunteers to those within reach."""
        if self.extent is Extent.EVERYTHING:
            return true()
        if self.extent is Extent.OWN_RECORD:
            return volunteer_id == self.volunteer_id
        return _organisation_is(organisation_id, self.organisation_id)

    def teams_where(self, organisation_id: ColumnElement[Any]) -> ColumnElement[bool]:
        """The SQL condition keeping a query's teams (or activities, by their team's
        organisation) to those within reach."""
        if self.extent is Extent.EVERYTHING:
            return true()
        if self.extent is Extent.OWN_RECORD:
            return false()
        return _organisation_is(organisation_id, self.organisation_id)


EVERYTHING = Reach(Extent.EVERYTHING)
NOTHING = Reach(Extent.ORGANISATION)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _organisation_is(
    column: ColumnElement[Any], organisation_id: str | None
) -> ColumnElement[bool]:
    return false() if organisation_id is None else column == organisation_id


def current_reach() -> Reach:
    """The reach of the current request's principal, which `require_scope` has set."""
    principal: Principal | None = g.get("principal")
    if principal is None:
        raise RuntimeError("current_reach() needs a route guarded by require_scope")
    return Reach.of(principal)
