"""The service's own settings and the SMTP URL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from notifications.adapters.smtp import SmtpServer
from notifications.config import NotificationSettings


def test_defaults() -> None:
    settings = NotificationSettings.from_env({})
    assert settings.language == "zh"
    assert settings.star_thresholds == tuple(Decimal(h) for h in (100, 300, 600, 1000, 1500))
    assert settings.public_stream_max_age == "30D"
    assert settings.webhook_timeout == 5.0
    assert settings.webhook_max_subscriptions == 20


def test_values_from_the_environment() -> None:
    settings = NotificationSettings.from_env(
        {
            "NOTIFICATION_LANGUAGE": "en",
            "STAR_THRESHOLDS": "50,150,250,350,450",
            "PUBLIC_STREAM_MAX_AGE": "7D",
            "WEBHOOK_TIMEOUT_SECONDS": "2.5",
            "WEBHOOK_PAUSE_AFTER": "3",
            "DELIVERY_RETRY_BASE_SECONDS": "1",
            "DELIVERY_RETRY_MAX_SECONDS": "60",
            "EMAIL_MAX_ATTEMPTS": "4",
            "WEBHOOK_MAX_SUBSCRIPTIONS": "5",
        }
    )
    assert settings.language == "en"
    assert settings.star_thresholds == tuple(Decimal(h) for h in (50, 150, 250, 350, 450))
    assert (settings.public_stream_max_age, settings.webhook_timeout) == ("7D", 2.5)
    assert (settings.webhook_pause_after, settings.email_max_attempts) == (3, 4)
    assert (settings.retry_base, settings.retry_ceiling) == (1.0, 60.0)
    assert settings.webhook_max_subscriptions == 5


@pytest.mark.parametrize(
    "environ",
    [
        {"NOTIFICATION_LANGUAGE": "fr"},
        {"PUBLIC_STREAM_MAX_AGE": "30 days"},
        {"WEBHOOK_PAUSE_AFTER": "0"},
        {"STAR_THRESHOLDS": "300,100"},
        {"STAR_THRESHOLDS": "50,150"},
        {"WEBHOOK_TIMEOUT_SECONDS": "-1"},
        {"WEBHOOK_MAX_SUBSCRIPTIONS": "0"},
    ],
)
def test_malformed_values_are_refused(environ: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        NotificationSettings.from_env(environ)


def test_smtp_urls() -> None:
    plain = SmtpServer.from_url("smtp://mail.example.org:2525?from=notice@example.org")
    assert (plain.host, plain.port, plain.use_tls, plain.starttls) == (
        "mail.example.org",
        2525,
        False,
        False,
    )
    assert plain.sender == "notice@example.org"
    secure = SmtpServer.from_url("smtps://bot%40example.org:p%3Ass@mail.example.org")
    assert (secure.port, secure.use_tls, secure.username, secure.password) == (
        465,
        True,
        "bot@example.org",
        "p:ss",
    )
    assert SmtpServer.from_url("smtp://relay?starttls=true").starttls
    with pytest.raises(ValueError):
        SmtpServer.from_url("http://mail.example.org")
