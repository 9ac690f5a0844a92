"""Events that pass validation and then break a handler or a serialiser: dead-lettered, while the
next good event is applied and every process stays up (real processes, SQLite, own broker prefix).

Published straight on `association.events`, as a buggy or forged producer would: the issue's
ActivityCompleted with hours of 1e30 and its kin (refused at once now that hours are bounded the
same way in and out), a name holding half a surrogate pair (it loads but cannot be written back),
a profile change of a volunteer nobody registered (every handler refuses it until the last
attempt), and events drawn with hypothesis from the contract's payload schemas (docs/contract.md),
extremes included (year 1 and 9999, offsets of ±23:59, huge integers), kept only if they validate.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pika
import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields, validate

from association.events import Envelope, InvalidEvent, default_registry, new_event
from association.events.payloads import Hours
from association.events.registry import INTEGRATION_EVENTS
from association.messaging.dead_letters import peek
from association.messaging.topology import Topology
from notifications.domain.public_events import CONSUMED_PRIVATE, REPUBLISHED
from support.broker import channel_on
from support.payloads import activity_completed_v3
from support.polling import wait_for
from support.processes import health
from support.stack import Stack, running_stack

ATTEMPTS = 3
GENERATED = 40
# Every event a consumer takes: the republished ones and the private ones notifications reads.
PRODUCERS = {
    event_type: producer
    for consumed in (REPUBLISHED, CONSUMED_PRIVATE)
    for producer, types in consumed.items()
    for event_type in types
}
LATEST = {event_type: schema for event_type, _version, schema in INTEGRATION_EVENTS}
VERSIONS = {event_type: version for event_type, version, _schema in INTEGRATION_EVENTS}
REGISTRY = default_registry()

offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
aware_times = st.datetimes(timezones=offsets).map(datetime.isoformat)


def _text(field: fields.Field) -> st.SearchStrategy[str]:
    """A string the field's validators allow (a pattern, a choice, or a length)."""
    low, high = 0, 2_000
    for validator in field.validators:
        if isinstance(validator, validate.OneOf):
            return st.sampled_from(list(validator.choices))
        if isinstance(validator, validate.Regexp):
            return st.from_regex(validator.regex, fullmatch=True)
        if isinstance(validator, validate.Length):
            low, high = validator.min or 0, validator.max or high
    return st.text(min_size=low, max_size=min(high, 200)) | st.text(min_size=low).map(
        lambda start: (start + "长" * high)[:high]
    )


def _value(field: fields.Field) -> st.SearchStrategy[Any]:
    """A JSON value for a marshmallow field of the payload schemas."""
    strategy: st.SearchStrategy[Any]
    if isinstance(field, Hours):
        strategy = st.decimals(Decimal("0.01"), Decimal("9999.99"), places=2).map(str)
    elif isinstance(field, fields.UUID):
        strategy = st.uuids().map(str)
    elif isinstance(field, fields.AwareDateTime):
        strategy = aware_times
    elif isinstance(field, fields.Email):
        strategy = st.emails()
    elif isinstance(field, fields.Boolean):
        strategy = st.booleans()
    elif isinstance(field, fields.Integer):
        strategy = st.integers(min_value=1) | st.integers(2**62, 2**80)
    elif isinstance(field, fields.List):
        strategy = st.lists(_value(field.inner), max_size=3)
    elif isinstance(field, fields.Nested):
        strategy = payloads(field.nested)  # type: ignore[arg-type]
    else:
        strategy = _text(field)
    return st.none() | strategy if field.allow_none else strategy


def payloads(schema: type[Schema]) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads built from a schema's fields: the required ones always, the others maybe."""
    named = schema().fields.items()
    return st.fixed_dictionaries(
        {name: _value(field) for name, field in named if field.required},
        optional={name: _value(field) for name, field in named if not field.required},
    )


@st.composite
def valid_events(draw: st.DrawFn) -> Envelope:
    """An event of a type the consumers take, at its latest version, that validates."""
    event_type = draw(st.sampled_from(sorted(PRODUCERS)))
    payload = draw(payloads(LATEST[event_type]))
    version = draw(st.integers(1, 3))
    event = new_event(
        event_type, str(uuid.uuid4()), version, payload, schema_version=VERSIONS[event_type]
    )
    event = Envelope(**{**event.to_dict(), "producer": PRODUCERS[event_type], "sequence": 1})
    try:
        REGISTRY.upcast(event)
    except InvalidEvent:
        draw(st.nothing())  # not one of those this test is about: drawn again
    return event


def generated_events() -> list[Envelope]:
    """GENERATED events from `valid_events`, drawn once, before anything is published."""
    drawn: list[Envelope] = []

    @settings(
        max_examples=GENERATED,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(valid_events())
    def collect(event: Envelope) -> None:
        drawn.append(event)

    collect()
    return drawn


def producer_event(event_type: str, payload: dict[str, Any], version: int = 1) -> Envelope:
    event = new_event(event_type, str(uuid.uuid4()), version, payload)
    schema_version = VERSIONS[event_type]
    return Envelope(
        **{**event.to_dict(), "producer": PRODUCERS[event_type], "schema_version": schema_version}
    )


def sign_up(volunteer_id: str, name: str = "刘明珠", **changes: Any) -> dict[str, Any]:
    return {
        "volunteer_id": volunteer_id,
        "name": name,
        "phone": "13812345678",
        "email": "liu@example.com",
        "street": "江浦街道",
        "skills": ["first_aid"],
        "organisation_id": None,
        "registered_at": "2026-08-09T09:30:00+08:00",
        "source": "web",
        "id_verified": True,
        "minor": False,
        "id_number_masked": "3201**********123X",
    } | changes


ISSUE_HOURS = ["1e30", "NaN", "Infinity", "1E+5", "-0", "0.001", "1e999999999", "10000", 1e30]


def publish(amqp_url: str, prefix: str, bodies: list[tuple[Envelope, bytes]]) -> None:
    """Publish each body on its event's routing key with its id, as a producer's relay would."""
    with channel_on(amqp_url) as channel:
        channel.confirm_delivery()
        for event, body in bodies:
            properties = pika.BasicProperties(
                message_id=event.event_id,
                type=event.event_type,
                delivery_mode=2,
                content_type="application/json",
            )
            channel.basic_publish(
                prefix + "association.events", event.routing_key, body, properties
            )


def wire(event: Envelope) -> bytes:
    return event.to_json()


def dead_ids(amqp_url: str, prefix: str, service: str) -> set[str]:
    with channel_on(amqp_url) as channel:
        return {m["message_id"] for m in peek(channel, Topology(service, prefix).dead_letter_queue)}


def knows(stack: Stack, service: str, path: str) -> bool:
    reader = stack.token("volunteers:read")
    return requests.get(f"{stack.urls[service]}{path}", headers=reader, timeout=10).ok


def all_up(stack: Stack) -> bool:
    running = all(p.process is not None and p.process.poll() is None for p in stack.processes)
    return running and all(health(url) for url in stack.urls.values())


@pytest.mark.slow
def test_events_that_break_a_handler_or_a_serialiser_are_dead_lettered_and_nothing_stops(
    tmp_path: Path, amqp_url: str, amqp_prefix: str
) -> None:
    generated = generated_events()
    assert len(generated) == GENERATED
    refused = [producer_event("ActivityCompleted", activity_completed_v3(h)) for h in ISSUE_HOURS]
    surrogate = producer_event("VolunteerRegistered", sign_up(str(uuid.uuid4()), "刘\ud800"))
    nobody = producer_event(
        "VolunteerProfileUpdated",
        {
            "volunteer_id": str(uuid.uuid4()),
            "updated_at": "2026-08-10T09:00:00+08:00",
            "name": "王",
        },
        version=2,
    )
    good = str(uuid.uuid4())
    fine = producer_event("VolunteerRegistered", sign_up(good))
    with running_stack(
        tmp_path, amqp_url, amqp_prefix, MAX_DELIVERY_ATTEMPTS=str(ATTEMPTS)
    ) as stack:
        publish(
            amqp_url,
            amqp_prefix,
            [
                *((event, wire(event)) for event in refused),
                (surrogate, json.dumps(surrogate.to_dict()).encode()),  # "\\ud800", escaped
                (nobody, wire(nobody)),
                *((event, wire(event)) for event in generated),
                (fine, wire(fine)),
            ],
        )
        # Every poison event costs its attempts before the good one behind it is applied: on a
        # busy machine that takes longer than one event's worth of polling.
        wait_for(
            lambda: knows(stack, "notifications", f"/volunteers/{good}/notifications"),
            180,
            what="notifications applied the good event",
        )
        wait_for(
            lambda: knows(stack, "teams", f"/volunteers/{good}/hours"),
            180,
            what="teams applied the good event",
        )
        expected_dead = {e.event_id for e in refused} | {surrogate.event_id, nobody.event_id}
        wait_for(
            lambda: expected_dead <= dead_ids(amqp_url, amqp_prefix, "notifications"),
            timeout=120,
            interval=0.5,
            what="notifications dead-lettered the poison events",
        )
        teams_dead = {surrogate.event_id, nobody.event_id}
        wait_for(
            lambda: teams_dead <= dead_ids(amqp_url, amqp_prefix, "teams"),
            timeout=120,
            interval=0.5,
            what="teams dead-lettered the poison events",
        )
        assert all_up(stack), stack.logs()
        for service in ("teams", "notifications"):
            log = next(p for p in stack.processes if p.command == f"{service}-worker").output()
            assert f"handler failed on attempt {ATTEMPTS} of {ATTEMPTS}" in log
            assert "crashed" not in log
