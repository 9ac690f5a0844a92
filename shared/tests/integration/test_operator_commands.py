"""Operator commands: the broker preflight of `make run`; dead letters listed, shown, replayed."""

from __future__ import annotations

import json
import threading
import uuid

import pytest

from association.db import Database
from association.events import Envelope
from association.messaging.consumer import Consumer
from association.messaging.dead_letters import main as dead_letters_command
from association.messaging.dead_letters import peek, replay
from association.messaging.outbox import message_properties
from association.messaging.topology import Topology
from association.preflight import broker_problem
from support.broker import channel_on, message_count
from support.counters import (
    apply_tick,
    counter_registry,
    published,
    ticked,
    ticks,
)
from support.polling import wait_for
from support.tcp_proxy import TcpProxy
from support.threads import consuming

ROUTING_KEY = "counting.CounterTicked"


def test_preflight_names_the_address_and_the_remedies_when_no_broker_answers() -> None:
    closed = TcpProxy("127.0.0.1", 9)  # a free port nobody listens on
    problem = broker_problem(f"amqp://guest:guest@127.0.0.1:{closed.port}/%2F")
    assert problem is not None
    assert f"127.0.0.1:{closed.port}" in problem
    assert "rabbitmq-server -detached" in problem
    assert "AMQP_URL" in problem
    assert "\n" not in problem


def test_preflight_is_quiet_when_the_broker_answers(amqp_url: str) -> None:
    assert broker_problem(amqp_url) is None


def test_a_dead_letter_listed_shown_and_replayed_after_the_fix_is_applied_once(
    database: Database,
    amqp_url: str,
    amqp_prefix: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    topology = Topology("projection", amqp_prefix, max_delivery_attempts=2)
    fixed = threading.Event()

    def handler(session, event: Envelope) -> None:  # type: ignore[no-untyped-def]
        if not fixed.is_set():
            raise RuntimeError("not fixed yet")
        apply_tick(session, event)

    counter = str(uuid.uuid4())
    event = published(ticked(counter, 1, by=7))
    consumer = Consumer(database, amqp_url, topology, counter_registry(), {ROUTING_KEY: handler})
    with consuming(consumer):
        with channel_on(amqp_url) as channel:
            channel.basic_publish(
                topology.events_exchange, ROUTING_KEY, event.to_json(), message_properties(event)
            )
        wait_for(lambda: message_count(amqp_url, topology.dead_letter_queue) == 1)
        with channel_on(amqp_url) as channel:
            listed = peek(channel, topology.dead_letter_queue)
        assert [m["message_id"] for m in listed] == [event.event_id]
        assert listed[0]["reason"] == "delivery_limit"
        assert listed[0]["routing_key"] == ROUTING_KEY
        assert counter in listed[0]["body"]
        monkeypatch.setenv("AMQP_URL", amqp_url)
        monkeypatch.setenv("AMQP_PREFIX", amqp_prefix)
        dead_letters_command(["list", "--service", "projection"])
        summary = json.loads(capsys.readouterr().out)
        assert (summary["message_id"], summary["reason"]) == (event.event_id, "delivery_limit")
        dead_letters_command(["show", "--service", "projection", "--message-id", event.event_id])
        assert counter in json.loads(capsys.readouterr().out)["body"]
        assert message_count(amqp_url, topology.dead_letter_queue) == 1  # looking left it there
        fixed.set()
        with channel_on(amqp_url) as channel:
            assert replay(channel, topology, limit=10) == 1
        wait_for(lambda: ticks(database, counter) == 7)
        with channel_on(amqp_url) as channel:  # replaying again finds nothing to move
            assert replay(channel, topology, limit=10) == 0
        assert message_count(amqp_url, topology.dead_letter_queue) == 0
    assert ticks(database, counter) == 7
