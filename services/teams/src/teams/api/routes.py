"""What the teams and activities routes share: how a read and a write are declared, and answered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from flask_smorest import Blueprint, abort
from marshmallow import Schema
from sqlalchemy.orm import Session

from association.auth import require_scope
from association.web import request_session

View = TypeVar("View", bound=Callable[..., Any])
Created = tuple[dict[str, Any], int, dict[str, str]]


def reading(blp: Blueprint, rule: str, answer: type[Schema]) -> Callable[[View], View]:
    """A GET for `volunteers:read` answering 200 with `answer`."""

    def declare(view: View) -> View:
        view = blp.response(200, answer)(view)
        view = require_scope("volunteers:read")(view)
        return blp.route(rule, methods=["GET"])(view)

    return declare


def writing(
    blp: Blueprint, rule: str, arguments: type[Schema], answer: type[Schema]
) -> Callable[[View], View]:
    """A POST for `teams:write`, replayed under its Idempotency-Key, answering 201 with `answer`."""

    def declare(view: View) -> View:
        view = blp.doc(parameters=["IDEMPOTENCY_KEY"])(view)
        view = blp.response(201, answer)(view)
        view = blp.arguments(arguments)(view)
        view = require_scope("teams:write")(view)
        return blp.route(rule, methods=["POST"])(view)

    return declare


@dataclass(frozen=True)
class Resource:
    """A team or an activity as the routes answer it: read by `detail`, found under `path`."""

    what: str
    path: str
    detail: Callable[[Session, UUID], dict[str, Any] | None]

    def shown(self, session: Session, key: UUID) -> dict[str, Any]:
        """The resource as it reads in `session`; 404 when there is none."""
        found = self.detail(session, key)
        if found is None:
            abort(404, message=f"no {self.what} {key}")
        return found

    def created(self, key: UUID) -> Created:
        """201 with the resource the request wrote and a Location header pointing at it."""
        return self.shown(request_session(), key), 201, {"Location": f"{self.path}/{key}"}
