"""The vocabularies a sign-up chooses from: streets and skills, with Chinese labels.

The defaults ship as data (registration/data/*.json); `STREETS_FILE` and `SKILLS_FILE` point at
other files of the same shape: a JSON list of {"code": ..., "label": ...}.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Vocabulary:
    """Codes a field accepts, each with its label."""

    name: str
    labels: dict[str, str]

    @property
    def codes(self) -> list[str]:
        return list(self.labels)

    def describe(self) -> str:
        return "; ".join(f"{code} {label}" for code, label in self.labels.items())


def _read(name: str, override: str | None) -> Vocabulary:
    if override:
        text = Path(override).read_text(encoding="utf-8")
    else:
        text = resources.files("registration.data").joinpath(f"{name}.json").read_text("utf-8")
    entries = json.loads(text)
    labels = {entry["code"]: entry["label"] for entry in entries}
    if not labels:
        raise ValueError(f"the {name} vocabulary is empty")
    return Vocabulary(name, labels)


def load_vocabularies(environ: dict[str, str] | None = None) -> tuple[Vocabulary, Vocabulary]:
    """(streets, skills), from the files named in the environment or the shipped defaults."""
    env = os.environ if environ is None else environ
    return _read("streets", env.get("STREETS_FILE")), _read("skills", env.get("SKILLS_FILE"))


STREETS, SKILLS = load_vocabularies()
