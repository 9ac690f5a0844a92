"""The whole stack as real processes: three services, each a web and a worker, on free ports.

Each stack has its own SQLite files and its own broker prefix, so it never sees another's events.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from support.polling import wait_for
from support.ports import free_port
from support.processes import ServiceProcess, health
from support.tokens import bearer

SERVICES = ("registration", "teams", "notifications")


@dataclass
class Stack:
    urls: dict[str, str]
    processes: list[ServiceProcess] = field(default_factory=list)

    def token(self, *scopes: str) -> dict[str, str]:
        return bearer(*scopes, sub="e2e")

    def logs(self) -> str:
        return "\n".join(f"--- {p.command}\n{p.output()[-3000:]}" for p in self.processes)


@contextmanager
def running_stack(
    tmp_path: Path,
    amqp_url: str,
    amqp_prefix: str,
    databases: Mapping[str, str] | None = None,
    **extra: str,
) -> Iterator[Stack]:
    """Start the six processes, wait until every service answers /health and every worker's
    relay runs, stop them after.

    Each service gets a SQLite file under `tmp_path` unless `databases` names its DATABASE_URL.
    """
    stack = Stack({})
    common = {
        "AMQP_URL": amqp_url,
        "AMQP_PREFIX": amqp_prefix,
        "SIGNUP_RATE_LIMIT": "off",
        "WEBHOOK_ALLOW_LOOPBACK": "true",
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "INFO",
        **extra,
    }
    for service in SERVICES:
        port = free_port()
        stack.urls[service] = f"http://127.0.0.1:{port}"
        environment = common | {
            "DATABASE_URL": (databases or {}).get(service) or f"sqlite:///{tmp_path / service}.db",
            "PORT": str(port),
        }
        for process in ("web", "worker"):
            stack.processes.append(
                ServiceProcess(
                    f"{service}-{process}", environment, tmp_path / f"{service}-{process}.log"
                )
            )
    try:
        for process in stack.processes:
            process.start()
        for url in stack.urls.values():
            wait_for(lambda url=url: health(url), timeout=60)
        for service in SERVICES:  # a worker's relay runs once its signal handlers are in place
            worker = next(p for p in stack.processes if p.command == f"{service}-worker")
            wait_for(
                lambda worker=worker, service=service: (
                    f"relay of {service} publishes to" in worker.output()
                ),
                timeout=60,
                interval=0.1,
                what=f"{service}-worker started",
            )
        yield stack
    finally:
        with ThreadPoolExecutor(len(stack.processes)) as stopping:  # side by side: seconds each
            codes = dict(
                zip(
                    [p.command for p in stack.processes],
                    stopping.map(ServiceProcess.stop, stack.processes),
                    strict=True,
                )
            )
        assert all(code == 0 for code in codes.values()), (codes, stack.logs())
