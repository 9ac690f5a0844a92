"""The settings of the notifications service beyond the shared ones, read from the environment.

The shared `Settings` hold what every service knows (`SMTP_URL`, `WEBHOOK_ALLOW_LOOPBACK`, ...);
these are the notifications service's own knobs, each documented in its README with its default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from association.process_secrets import MINIMUM_BYTES
from association.star_levels import DEFAULT_STAR_THRESHOLDS, star_thresholds_from_env
from notifications.adapters.sms import SmsGateway
from notifications.domain.messages import LANGUAGES

# RabbitMQ's notation for a stream's x-max-age: a number and a unit (years to seconds).
MAX_AGE_PATTERN = re.compile(r"^[1-9]\d*[YMDhms]$")


@dataclass(frozen=True)
class NotificationSettings:
    """How messages are written and how deliveries are retried; `from_env` reads them."""

    language: str = "zh"
    star_thresholds: tuple[Decimal, ...] = DEFAULT_STAR_THRESHOLDS
    public_stream_max_age: str = "30D"
    webhook_timeout: float = 5.0
    webhook_pause_after: int = 12
    webhook_max_subscriptions: int = 20
    retry_base: float = 2.0
    retry_ceiling: float = 900.0
    email_max_attempts: int = 8
    poll_interval: float = 0.2
    # The SMS gateway (off when empty) and the secret its requests are signed with.
    sms_url: str = ""
    sms_secret: str = ""

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"NOTIFICATION_LANGUAGE must be one of {', '.join(LANGUAGES)}")
        if not MAX_AGE_PATTERN.match(self.public_stream_max_age):
            raise ValueError("PUBLIC_STREAM_MAX_AGE must look like 30D, 12h or 3600s")
        if self.webhook_timeout <= 0 or self.retry_base <= 0 or self.retry_ceiling <= 0:
            raise ValueError("timeouts and retry delays must be positive")
        if self.webhook_pause_after < 1 or self.email_max_attempts < 1:
            raise ValueError("WEBHOOK_PAUSE_AFTER and EMAIL_MAX_ATTEMPTS must be at least 1")
        if self.sms_url and len(self.sms_secret.encode()) < MINIMUM_BYTES:
            raise ValueError(f"SMS_SECRET must be set, {MINIMUM_BYTES}+ bytes, when SMS_URL is")
        if self.sms_url and not self.sms_url.startswith(("http://", "https://")):
            raise ValueError("SMS_URL must be an http:// or https:// URL")
        if self.webhook_max_subscriptions < 1:
            raise ValueError("WEBHOOK_MAX_SUBSCRIPTIONS must be at least 1")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> NotificationSettings:
        """The settings named by the environment; raises ValueError for a malformed value."""
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            language=env.get("NOTIFICATION_LANGUAGE") or defaults.language,
            star_thresholds=star_thresholds_from_env(env),
            public_stream_max_age=env.get("PUBLIC_STREAM_MAX_AGE")
            or defaults.public_stream_max_age,
            webhook_timeout=float(env.get("WEBHOOK_TIMEOUT_SECONDS") or defaults.webhook_timeout),
            webhook_pause_after=int(env.get("WEBHOOK_PAUSE_AFTER") or defaults.webhook_pause_after),
            webhook_max_subscriptions=int(
                env.get("WEBHOOK_MAX_SUBSCRIPTIONS") or defaults.webhook_max_subscriptions
            ),
            retry_base=float(env.get("DELIVERY_RETRY_BASE_SECONDS") or defaults.retry_base),
            retry_ceiling=float(env.get("DELIVERY_RETRY_MAX_SECONDS") or defaults.retry_ceiling),
            email_max_attempts=int(env.get("EMAIL_MAX_ATTEMPTS") or defaults.email_max_attempts),
            sms_url=env.get("SMS_URL", "").strip(),
            sms_secret=env.get("SMS_SECRET", ""),
        )

    @property
    def sms_gateway(self) -> SmsGateway | None:
        """The gateway of `SMS_URL`, None when SMS is off."""
        return SmsGateway(self.sms_url, self.sms_secret) if self.sms_url else None
