"""The settings of a process, read from the environment in one place."""

from __future__ import annotations

from association.settings import DEFAULT_AMQP_URL, Settings


def test_defaults_of_a_service() -> None:
    settings = Settings.from_env("teams", {})
    assert settings.database_url == "sqlite:///var/teams.db"
    assert (settings.amqp_url, settings.auth_secret) == (DEFAULT_AMQP_URL, "")  # no built-in one
    assert (settings.host, settings.port) == ("127.0.0.1", None)
    assert (settings.web_concurrency, settings.web_threads) == (2, 4)
    assert settings.prometheus_multiproc_dir == ""
    assert settings.announce_timeout == 90.0


def test_the_web_process_and_operator_settings_come_from_the_environment() -> None:
    settings = Settings.from_env(
        "registration",
        {
            "HOST": "0.0.0.0",
            "PORT": "9000",
            "WEB_CONCURRENCY": "3",
            "WEB_THREADS": "8",
            "PROMETHEUS_MULTIPROC_DIR": "/tmp/metrics",
            "ANNOUNCE_TIMEOUT": "5",
        },
    )
    assert (settings.host, settings.port) == ("0.0.0.0", 9000)
    assert (settings.web_concurrency, settings.web_threads) == (3, 8)
    assert settings.prometheus_multiproc_dir == "/tmp/metrics"
    assert settings.announce_timeout == 5.0


def test_an_operator_command_has_no_database_of_its_own() -> None:
    settings = Settings.from_env(environ={"AUTH_SECRET": "s" * 40})
    assert settings.database_url == ""
    assert settings.auth_secret == "s" * 40


def test_the_rate_limit_counts_in_memory_and_believes_no_proxy_unless_told() -> None:
    default = Settings.from_env("registration", {})
    assert (default.rate_limit_storage_url, default.trusted_proxy_count) == ("memory://", 0)
    told = Settings.from_env(
        "registration",
        {"RATE_LIMIT_STORAGE_URL": "redis://cache:6379/1", "TRUSTED_PROXY_COUNT": "2"},
    )
    assert (told.rate_limit_storage_url, told.trusted_proxy_count) == ("redis://cache:6379/1", 2)
