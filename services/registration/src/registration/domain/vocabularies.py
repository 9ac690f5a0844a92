"""The vocabularies a sign-up chooses from: streets and skills, each code with its Chinese label.

Which vocabularies are in force is a setting of the service (`registration.config`); the domain
only knows their shape: a list of {"code": ..., "label": ...}.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Vocabulary:
    """Codes a field accepts, each with its label."""

    name: str
    labels: dict[str, str]

    @classmethod
    def from_entries(cls, name: str, entries: Iterable[Mapping[str, str]]) -> Vocabulary:
        """The vocabulary of a list of {"code", "label"}; ValueError when it is empty."""
        labels = {entry["code"]: entry["label"] for entry in entries}
        if not labels:
            raise ValueError(f"the {name} vocabulary is empty")
        return cls(name, labels)

    @property
    def codes(self) -> list[str]:
        return list(self.labels)

    def code_of(self, text: str) -> str | None:
        """The code `text` is, or whose label it is; None when it is neither."""
        if text in self.labels:
            return text
        return next((code for code, label in self.labels.items() if label == text), None)

    def describe(self) -> str:
        return "; ".join(f"{code} {label}" for code, label in self.labels.items())
