"""The teams service's own settings beyond the shared ones, read once per process (the service
definition's `config`) from the environment it is given."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from association.process_secrets import CERTIFICATE_SIGNING_KEY, Process
from association.star_levels import star_thresholds_from_env
from teams.domain.check_in_codes import DEFAULT_WINDOW_SECONDS
from teams.domain.hours import StarThresholds

# The web process signs certificates of volunteer service; the worker and the rebuild sign nothing.
SECRETS_NEEDED = {Process.WEB: (CERTIFICATE_SIGNING_KEY,)}

DEFAULT_ASSOCIATION_NAME = "城市治理志愿者协会"
DEFAULT_WEB_BASE_URL = "http://localhost:8080"


@dataclass(frozen=True)
class TeamsSettings:
    """The cumulative hours of the star levels (`STAR_THRESHOLDS`), and what certificates need:
    the signing key's text (`CERTIFICATE_SIGNING_KEY`, empty in the processes that sign nothing),
    the issuer (`ASSOCIATION_NAME`) and the base of the verification links (`PUBLIC_BASE_URL`,
    empty: the request's own host URL); the volunteers' web app the check-in QR codes lead to
    (`WEB_BASE_URL`) and how long each check-in code is shown (`CHECK_IN_CODE_SECONDS`)."""

    star_thresholds: StarThresholds = field(default_factory=StarThresholds)
    certificate_signing_key: str = field(default="", repr=False)
    association_name: str = DEFAULT_ASSOCIATION_NAME
    public_base_url: str = ""
    web_base_url: str = DEFAULT_WEB_BASE_URL
    check_in_code_seconds: int = DEFAULT_WINDOW_SECONDS

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
        web = environ.get("WEB_BASE_URL", "").strip().rstrip("/") or DEFAULT_WEB_BASE_URL
        if not web.startswith(("http://", "https://")):
            raise ValueError("WEB_BASE_URL must start with http:// or https://")
        return cls(
            StarThresholds(star_thresholds_from_env(environ)),
            certificate_signing_key=environ.get(CERTIFICATE_SIGNING_KEY.variable, ""),
            association_name=name,
            public_base_url=base,
            web_base_url=web,
            check_in_code_seconds=_code_seconds(environ.get("CHECK_IN_CODE_SECONDS", "")),
        )


def _code_seconds(text: str) -> int:
    """The check-in codes' window in seconds: 30 to 86400 (default 300)."""
    if not text.strip():
        return DEFAULT_WINDOW_SECONDS
    try:
        seconds = int(text)
    except ValueError:
        seconds = 0
    if not 30 <= seconds <= 86400:
        raise ValueError("CHECK_IN_CODE_SECONDS must be a whole number of seconds, 30 to 86400")
    return seconds
