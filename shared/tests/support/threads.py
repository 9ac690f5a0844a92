"""Components (a consumer, a relay, a dispatcher, a server…) run on threads for part of a test."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from socketserver import BaseServer
from typing import Protocol, TypeVar

from support.polling import wait_for


class Runnable(Protocol):
    """A long-running part of a worker: `run` blocks until `stop` is called."""

    def run(self) -> None: ...

    def stop(self) -> None: ...


class Consuming(Runnable, Protocol):
    """A component that says when it has started consuming."""

    consuming: threading.Event


C = TypeVar("C", bound=Consuming)


@contextmanager
def running(
    components: Sequence[Runnable], timeout: float = 20
) -> Iterator[list[threading.Thread]]:
    """Run each component on a thread of its own; stop them all afterwards and check they ended."""
    threads = [threading.Thread(target=c.run, daemon=True) for c in components]
    for thread in threads:
        thread.start()
    try:
        yield threads
    finally:
        for component in components:
            component.stop()
        for thread in threads:
            thread.join(timeout=timeout)
        assert not any(thread.is_alive() for thread in threads)


@contextmanager
def consuming(consumer: C, timeout: float = 10) -> Iterator[C]:
    """Run `consumer` on a thread and wait until it consumes; stop it (checked) afterwards."""
    with running([consumer]):
        wait_for(consumer.consuming.is_set, timeout=timeout)
        yield consumer


S = TypeVar("S", bound=BaseServer)


@contextmanager
def serving(server: S, timeout: float = 10) -> Iterator[S]:
    """Serve requests to `server` on a thread; shut it down and close it afterwards."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout)
