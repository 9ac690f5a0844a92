"""The teams service's own settings beyond the shared ones, read once per process (the service
definition's `config`) from the environment it is given."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from association.star_levels import star_thresholds_from_env
from teams.domain.hours import StarThresholds


@dataclass(frozen=True)
class TeamsSettings:
    """The cumulative hours of the star levels (`STAR_THRESHOLDS`)."""

    star_thresholds: StarThresholds = field(default_factory=StarThresholds)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> TeamsSettings:
        """The settings named by `environ`; ValueError naming the variable when one is malformed."""
        return cls(StarThresholds(star_thresholds_from_env(environ)))
