"""Start the services' real processes for a test, on free loopback ports, and stop them after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import requests

from association.testing import TEST_SECRETS

BIN = Path(sys.executable).parent


@dataclass
class ServiceProcess:
    """One `<service>-web` or `<service>-worker` process with its own environment and log file.

    It is given this run's secrets (`TEST_SECRETS`) unless its environment names others, and none
    of the variables in `unset`.
    """

    command: str
    environment: dict[str, str]
    log_path: Path
    unset: tuple[str, ...] = ()
    process: subprocess.Popen | None = field(default=None, init=False)

    def start(self) -> None:
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [str(BIN / self.command)],
            env={
                name: value
                for name, value in {**os.environ, **TEST_SECRETS, **self.environment}.items()
                if name not in self.unset
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM, then wait; returns the exit code (SIGKILL if it would not stop)."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def health(url: str) -> dict | None:
    try:
        response = requests.get(f"{url}/health", timeout=2)
    except requests.RequestException:
        return None
    return response.json() if response.status_code == 200 else None
