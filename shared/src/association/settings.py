"""Configuration read from environment variables, in one place (the README's table lists them)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_AMQP_URL = "amqp://guest:guest@localhost:5672/%2F"


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """The settings of one process; `from_env` is the only place that reads the environment."""

    service: str
    database_url: str
    amqp_url: str = DEFAULT_AMQP_URL
    amqp_prefix: str = ""
    # No default: the processes that need it refuse to start without it (process_secrets).
    auth_secret: str = ""
    smtp_url: str = ""
    signup_rate_limit: str = "20/minute"
    rate_limit_storage_url: str = "memory://"
    # Proxies in front whose X-Forwarded-For entries are believed (0: the peer address counts).
    trusted_proxy_count: int = 0
    webhook_allow_loopback: bool = False
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    log_level: str = "INFO"
    max_delivery_attempts: int = 5
    worker_heartbeat_file: str = ""
    host: str = "127.0.0.1"
    # None: the service's own port (its definition's).
    port: int | None = None
    web_concurrency: int = 2
    web_threads: int = 4
    # Empty: the web process makes a new temporary folder before its workers fork.
    prometheus_multiproc_dir: str = ""
    announce_timeout: float = 90.0

    @classmethod
    def from_env(cls, service: str = "", environ: Mapping[str, str] | None = None) -> Settings:
        """The settings named by the environment (`os.environ` unless `environ` is given).

        `service` is the service the process runs; an operator command that is no service's
        leaves it empty and has no database of its own.
        """
        env = os.environ if environ is None else environ
        origins = tuple(o.strip() for o in env.get("CORS_ORIGINS", "").split(",") if o.strip())
        return cls(
            service=service,
            database_url=env.get("DATABASE_URL")
            or (f"sqlite:///var/{service}.db" if service else ""),
            amqp_url=env.get("AMQP_URL") or DEFAULT_AMQP_URL,
            amqp_prefix=env.get("AMQP_PREFIX", ""),
            auth_secret=env.get("AUTH_SECRET", ""),
            smtp_url=env.get("SMTP_URL", ""),
            signup_rate_limit=env.get("SIGNUP_RATE_LIMIT") or "20/minute",
            rate_limit_storage_url=env.get("RATE_LIMIT_STORAGE_URL") or "memory://",
            trusted_proxy_count=int(env.get("TRUSTED_PROXY_COUNT") or 0),
            webhook_allow_loopback=_flag(env.get("WEBHOOK_ALLOW_LOOPBACK", "false")),
            cors_origins=origins,
            log_level=env.get("LOG_LEVEL") or "INFO",
            max_delivery_attempts=int(env.get("MAX_DELIVERY_ATTEMPTS") or 5),
            worker_heartbeat_file=env.get("WORKER_HEARTBEAT_FILE", ""),
            host=env.get("HOST", "127.0.0.1"),
            port=int(env["PORT"]) if env.get("PORT") else None,
            web_concurrency=int(env.get("WEB_CONCURRENCY") or 2),
            web_threads=int(env.get("WEB_THREADS") or 4),
            prometheus_multiproc_dir=env.get("PROMETHEUS_MULTIPROC_DIR", ""),
            announce_timeout=float(env.get("ANNOUNCE_TIMEOUT") or 90),
        )
