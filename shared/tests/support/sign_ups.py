"""A volunteer's sign-up as registration's public form sends it."""

from __future__ import annotations

from typing import Any


def sign_up_form(**overrides: Any) -> dict[str, Any]:
    """A valid sign-up, with `overrides` over its fields."""
    form = {
        "name": "刘明珠",
        "phone": "+86 138-1234-5678",
        "street": "jiangpu",
        "skills": ["first_aid", "traffic_civility"],
        "consent": True,
    }
    return form | overrides
