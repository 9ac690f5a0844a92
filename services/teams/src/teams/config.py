"""The teams service's own setting, read from the environment in this one place."""

from __future__ import annotations

import os

from teams.domain.hours import DEFAULT_STAR_THRESHOLDS, StarThresholds

STAR_THRESHOLDS_VARIABLE = "STAR_THRESHOLDS"


def star_thresholds(environ: dict[str, str] | None = None) -> StarThresholds:
    """`STAR_THRESHOLDS` (comma-separated cumulative hours for 1-5 stars), else the default."""
    env = os.environ if environ is None else environ
    text = env.get(STAR_THRESHOLDS_VARIABLE) or DEFAULT_STAR_THRESHOLDS
    try:
        return StarThresholds.parse(text)
    except ValueError as error:
        raise ValueError(f"{STAR_THRESHOLDS_VARIABLE}: {error}") from error
