"""A rejected command names the fields at fault, so the API can answer 422 with them."""

from __future__ import annotations


class RuleViolation(ValueError):
    """One or more fields break a registration rule: {field: [messages]}."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors

    @classmethod
    def of(cls, field: str, message: str) -> RuleViolation:
        return cls({field: [message]})
