"""Malformed messages against a running consumer (hypothesis, real RabbitMQ, SQLite and PostgreSQL).

Every message that is not a valid event the consumer handles goes to the dead-letter queue at once,
the consumer keeps running on the same connection, and a valid event behind them is still applied.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pika
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from association.db import Database
from association.events import EnvelopeSchema
from association.messaging.consumer import Consumer
from association.messaging.topology import Topology
from support.broker import channel_on
from support.counters import apply_tick, counter_registry, ticked, ticks
from support.polling import wait_for
from support.threads import running

ROUTING_KEY = "counting.CounterTicked"
TEMPLATE: dict[str, Any] = {
    **ticked("template", 1).to_dict(),
    "producer": "counting",
    "sequence": 1,
}
REQUIRED = tuple(name for name, field in EnvelopeSchema().fields.items() if field.required)
not_an_int = st.one_of(
    st.booleans(), st.floats(allow_nan=False), st.text(max_size=5), st.none(), st.lists(st.just(1))
)
WRONG_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "event_id": st.one_of(st.text(max_size=40), st.integers(), st.none()),
    "event_type": st.one_of(
        st.sampled_from(["", "counterTicked", "Counter.Ticked", "Counter Ticked", "C" * 65]),
        st.integers(),
        st.none(),
    ),
    "schema_version": st.one_of(st.integers(max_value=0), not_an_int),
    "producer": st.one_of(
        st.sampled_from(["", "Counting", "counting.x", "9counting", "c" * 33]), st.integers()
    ),
    "aggregate_id": st.one_of(st.just(""), st.text(min_size=65, max_size=80), st.integers()),
    "aggregate_version": st.one_of(st.integers(max_value=0), not_an_int),
    "sequence": st.one_of(st.floats(allow_nan=False), st.text(max_size=5), st.booleans()),
    "occurred_at": st.one_of(
        st.just("2026-05-01T08:00:00"), st.text(max_size=20), st.integers(), st.none()
    ),
    "correlation_id": st.one_of(st.text(min_size=65, max_size=70), st.integers()),
    "causation_id": st.one_of(st.text(min_size=65, max_size=70), st.lists(st.text())),
    "payload": st.one_of(st.lists(st.integers()), st.text(), st.integers(), st.none()),
    "actor": st.one_of(
        st.sampled_from(
            [
                {"kind": "mayor", "id": "m-1"},
                {"kind": "system", "id": "worker-1"},
                {"kind": "public", "id": "someone"},
                {"id": "c-1"},
                {"kind": "staff", "id": ""},
                {"kind": "staff", "id": "x" * 256},
                {"kind": "staff", "id": 7},
                {"kind": None},
            ]
        ),
        st.text(max_size=8),
        st.integers(),
        st.lists(st.text(max_size=3), max_size=2),
    ),
}
WRONG_PAYLOADS = st.one_of(
    st.just({"counter_id": "c"}),
    st.just({"by": 1}),
    st.fixed_dictionaries({"counter_id": st.just("c"), "by": not_an_int}),
    st.fixed_dictionaries({"counter_id": st.integers() | st.none(), "by": st.just(1)}),
    st.fixed_dictionaries({"counter_id": st.just("c"), "by": st.just(1), "colour": st.text()}),
)


def envelope(**changes: Any) -> dict[str, Any]:
    """A valid envelope of a tick of a fresh counter, with `changes` applied."""
    counter = str(uuid.uuid4())
    base = {
        **TEMPLATE,
        "event_id": str(uuid.uuid4()),
        "aggregate_id": counter,
        "payload": {"counter_id": counter, "by": 1},
    }
    return base | changes


def as_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


@st.composite
def malformed_bodies(draw: st.DrawFn) -> bytes:
    """A body the consumer must refuse: not JSON, not an envelope, or no event it handles."""
    kind = draw(st.sampled_from(["bytes", "json", "missing", "wrong", "payload", "unhandled"]))
    if kind == "bytes":
        valid = as_json(envelope())
        return draw(
            st.one_of(
                st.binary(max_size=64),
                st.integers(1, len(valid) - 1).map(lambda n: valid[:n]),
                st.just(b"\xff\xfe" + valid),
                st.integers(1_000, 100_000).map(lambda depth: b"[" * depth + b"]" * depth),
                st.integers(1_000, 100_000).map(
                    lambda depth: b'{"a":' * depth + b"1" + b"}" * depth
                ),
            )
        )
    if kind == "json":
        scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
        return as_json(draw(st.one_of(scalars, st.lists(scalars, max_size=3))))
    if kind == "missing":
        body = envelope()
        del body[draw(st.sampled_from(REQUIRED))]
        return as_json(body)
    if kind == "wrong":
        field = draw(st.sampled_from(sorted(WRONG_VALUES)))
        return as_json(envelope(**{field: draw(WRONG_VALUES[field])}))
    if kind == "payload":
        return as_json(envelope(payload=draw(WRONG_PAYLOADS)))
    unhandled = draw(
        st.sampled_from(
            [
                {"producer": "peer"},
                {"event_type": "CounterReset"},
                {"schema_version": 2},
                {"event_type": "VolunteerRegistered"},
            ]
        )
    )
    return as_json(envelope(**unhandled))


junk_headers = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"x-delivery-count": st.one_of(st.text(max_size=5), st.integers(-5, -1), st.none())}
    ),
)


@pytest.fixture
def running_consumer(
    database: Database, amqp_url: str, topology: Topology
) -> Iterator[tuple[Consumer, threading.Thread]]:
    consumer = Consumer(database, amqp_url, topology, counter_registry(), {ROUTING_KEY: apply_tick})
    with running([consumer], timeout=10) as [thread]:
        wait_for(consumer.consuming.is_set)
        yield consumer, thread


def test_malformed_messages_are_dead_lettered_and_the_consumer_goes_on(
    running_consumer: tuple[Consumer, threading.Thread],
    database: Database,
    amqp_url: str,
    topology: Topology,
    caplog: pytest.LogCaptureFixture,
) -> None:
    consumer, thread = running_consumer
    caplog.set_level(logging.WARNING, logger="association.messaging.consumer")
    with channel_on(amqp_url) as channel:
        channel.confirm_delivery()

        def dead_letters() -> int:
            declared = channel.queue_declare(topology.dead_letter_queue, passive=True)
            return declared.method.message_count

        def publish(body: bytes, headers: dict[str, Any] | None = None) -> None:
            properties = pika.BasicProperties(
                delivery_mode=2, content_type="application/json", headers=headers
            )
            channel.basic_publish(topology.events_exchange, ROUTING_KEY, body, properties)

        @given(bodies=st.lists(st.tuples(malformed_bodies(), junk_headers), min_size=1, max_size=4))
        @settings(
            max_examples=100,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example],
            # Every failing example waits out a timeout: report the one found instead of shrinking.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        )
        def each_batch(bodies: list[tuple[bytes, dict[str, Any] | None]]) -> None:
            dead_before, applied_before = dead_letters(), consumer.applied
            for body, headers in bodies:
                publish(body, headers)
            behind = ticked(str(uuid.uuid4()), 1)
            publish(as_json({**behind.to_dict(), "producer": "counting", "sequence": 1}))
            wait_for(lambda: not thread.is_alive() or ticks(database, behind.aggregate_id) == 1)
            assert thread.is_alive(), "the consumer died"
            wait_for(lambda: dead_letters() == dead_before + len(bodies))
            # The count goes up after the commit the tick is read from, once the ack is out.
            wait_for(lambda: consumer.applied > applied_before)
            assert consumer.applied == applied_before + 1
            assert consumer.consuming.is_set()

        each_batch()
    assert not [r for r in caplog.records if "lost the broker" in r.getMessage()]
