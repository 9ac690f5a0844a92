"""How the services declare their routes' common shapes: a scoped read, an idempotent create."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_smorest import Blueprint
from marshmallow import Schema

from association.auth import require_scope

View = TypeVar("View", bound=Callable[..., Any])


def scoped_read(blp: Blueprint, answer: type[Schema], scope: str) -> Callable[[View], View]:
    """A read for `scope`, answering 200 with `answer`."""

    def declare(view: View) -> View:
        return require_scope(scope)(blp.response(200, answer)(view))

    return declare


def idempotent_create(
    blp: Blueprint, arguments: type[Schema], answer: type[Schema], scope: str
) -> Callable[[View], View]:
    """A POST for `scope` taking `arguments`, answering 201 with `answer`, replayed under its
    Idempotency-Key."""

    def declare(view: View) -> View:
        view = blp.doc(parameters=["IDEMPOTENCY_KEY"])(view)
        view = blp.response(201, answer)(view)
        view = blp.arguments(arguments)(view)
        return require_scope(scope)(view)

    return declare
