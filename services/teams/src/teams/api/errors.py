"""Refusals as the contract's JSON errors: teams answers the shared ones only (404, 409, 422)."""

from __future__ import annotations

from flask_smorest import Blueprint

from association.web.refusals import answering_refusals


def answering_errors(blueprint: Blueprint) -> Blueprint:
    """Make the blueprint answer refused commands (the request's transaction is rolled back)."""
    return answering_refusals(blueprint)
