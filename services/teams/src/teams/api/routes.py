"""What the teams and activities routes share: how a read and a write are declared, and answered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from flask_smorest import Blueprint, abort
from marshmallow import Schema
from sqlalchemy.orm import Session

from association.access import EVERYTHING, Reach, current_reach
from association.web import request_session
from association.web.declarations import View, idempotent_create, scoped_read
from teams.adapters.volunteers import find_volunteer
from teams.domain.volunteer import KnownVolunteer

Created = tuple[dict[str, Any], int, dict[str, str]]


def reading(blp: Blueprint, rule: str, answer: type[Schema]) -> Callable[[View], View]:
    """A GET for `volunteers:read` answering 200 with `answer`."""

    def declare(view: View) -> View:
        return blp.route(rule, methods=["GET"])(scoped_read(blp, answer, "volunteers:read")(view))

    return declare


def writing(
    blp: Blueprint, rule: str, arguments: type[Schema], answer: type[Schema]
) -> Callable[[View], View]:
    """A POST for `teams:write`, replayed under its Idempotency-Key, answering 201 with `answer`."""

    def declare(view: View) -> View:
        return blp.route(rule, methods=["POST"])(
            idempotent_create(blp, arguments, answer, "teams:write")(view)
        )

    return declare


@dataclass(frozen=True)
class Resource:
    """A team or an activity as the routes answer it: read by `detail`, found under `path`."""

    what: str
    path: str
    detail: Callable[[Session, UUID, Reach], dict[str, Any] | None]

    def shown(self, session: Session, key: UUID, reach: Reach | None = None) -> dict[str, Any]:
        """The resource as it reads in `session`; 404 when there is none within `reach` (the
        request's, unless told)."""
        found = self.detail(session, key, current_reach() if reach is None else reach)
        if found is None:
            abort(404, message=f"no {self.what} {key}")
        return found

    def created(self, key: UUID) -> Created:
        """201 with the resource the request wrote (its command checked the reach) and a
        Location header pointing at it."""
        shown = self.shown(request_session(), key, EVERYTHING)
        return shown, 201, {"Location": f"{self.path}/{key}"}


def reachable_volunteer(session: Session, volunteer_id: UUID) -> KnownVolunteer:
    """The active volunteer within the caller's reach; 404, as if unknown, otherwise (not known
    here yet, withdrawn, or another organisation's for a coordinator)."""
    volunteer = find_volunteer(session, volunteer_id)
    if (
        volunteer is None
        or not volunteer.active
        or volunteer.name is None
        or not current_reach().reaches_volunteer(volunteer_id, volunteer.organisation_id)
    ):
        abort(404, message=f"no active volunteer {volunteer_id} known here")
    return volunteer
