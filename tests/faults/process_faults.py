"""A running stack's processes as a fault test treats them: paused, killed, stopped, restarted."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from support.processes import ServiceProcess
from support.stack import Stack


def process_of(stack: Stack, command: str) -> ServiceProcess:
    return next(p for p in stack.processes if p.command == command)


@contextmanager
def paused(stack: Stack, *commands: str) -> Iterator[None]:
    """The processes frozen (SIGSTOP) while the body runs: their work piles up on the broker.

    The body may resume (and kill) them earlier; any still frozen go on at the end.
    """
    pids = [process_of(stack, c).process.pid for c in commands]  # type: ignore[union-attr]
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


def resume(stack: Stack, command: str) -> None:
    """Let a paused process go on (SIGCONT)."""
    os.kill(process_of(stack, command).process.pid, signal.SIGCONT)  # type: ignore[union-attr]


def kill(stack: Stack, command: str) -> None:
    """SIGKILL: no handler runs, no transaction commits, nothing is acked or closed politely."""
    process = process_of(stack, command)
    assert process.process is not None and process.process.poll() is None, process.output()
    process.process.kill()
    assert process.stop() == -signal.SIGKILL


def stop(stack: Stack, command: str) -> None:
    """SIGTERM, as an operator stops a process; it must finish cleanly."""
    process = process_of(stack, command)
    assert process.stop() == 0, process.output()


def restart(stack: Stack, command: str) -> ServiceProcess:
    """Start the command again with the same environment (a new log), in the stack's place."""
    index = next(i for i, p in enumerate(stack.processes) if p.command == command)
    old = stack.processes[index]
    assert old.process is not None and old.process.poll() is not None, f"{command} still runs"
    runs = len(list(old.log_path.parent.glob(f"{command}*.log")))
    new = ServiceProcess(command, old.environment, old.log_path.with_name(f"{command}-{runs}.log"))
    new.start()
    stack.processes[index] = new
    return new
