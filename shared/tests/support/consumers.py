"""A Consumer run on a thread for the length of a test block."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from association.messaging.consumer import Consumer
from support.polling import wait_for


@contextmanager
def consuming(consumer: Consumer) -> Iterator[Consumer]:
    """Run `consumer` on a thread once it consumes; stop it (and check it stopped) afterwards."""
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    try:
        wait_for(consumer.consuming.is_set)
        yield consumer
    finally:
        consumer.stop()
        thread.join(timeout=10)
        assert not thread.is_alive()
