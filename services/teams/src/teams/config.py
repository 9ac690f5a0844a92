"""The teams service's own settings beyond the shared ones, read once per process (the service
definition's `config`) from the environment it is given."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from association.process_secrets import CERTIFICATE_SIGNING_KEY, Process
from association.star_levels import star_thresholds_from_env
from teams.domain.hours import StarThresholds

# The web process signs certificates of volunteer service; the worker and the rebuild sign nothing.
SECRETS_NEEDED = {Process.WEB: (CERTIFICATE_SIGNING_KEY,)}

DEFAULT_ASSOCIATION_NAME = "城市治理志愿者协会"


@dataclass(frozen=True)
class TeamsSettings:
    """The cumulative hours of the star levels (`STAR_THRESHOLDS`), and what certificates need:
    the signing key's text (`CERTIFICATE_SIGNING_KEY`, empty in the processes that sign nothing),
    the issuer (`ASSOCIATION_NAME`) and the base of the verification links (`PUBLIC_BASE_URL`,
    empty: the request's own host URL)."""

    star_thresholds: StarThresholds = field(default_factory=StarThresholds)
    certificate_signing_key: str = field(default="", repr=False)
    association_name: str = DEFAULT_ASSOCIATION_NAME
    public_base_url: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> TeamsSettings:
        """The settings named by `environ`; ValueError naming the variable when one is malformed.

        The signing key has no default: the web process refuses to start without one
        (`SECRETS_NEEDED`)."""
        name = environ.get("ASSOCIATION_NAME", "").strip() or DEFAULT_ASSOCIATION_NAME
        if len(name) > 100:
            raise ValueError("ASSOCIATION_NAME must be at most 100 characters")
        base = environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
        if base and not base.startswith(("http://", "https://")):
            raise ValueError("PUBLIC_BASE_URL must start with http:// or https://")
        return cls(
            StarThresholds(star_thresholds_from_env(environ)),
            certificate_signing_key=environ.get(CERTIFICATE_SIGNING_KEY.variable, ""),
            association_name=name,
            public_base_url=base,
        )
