"""The worker against a real RabbitMQ: exactly one notification per event, and the public stream."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from typing import Any

import pika
from sqlalchemy import func, select

from association.messaging.consumer import Consumer
from association.service import create_app
from association.settings import Settings
from notifications.adapters.notification_records import notifications_of
from notifications.adapters.partner_tables import public_events_table
from notifications.adapters.public_log import PublicEventLog
from notifications.adapters.public_stream import PublicStreamRelay
from notifications.definition import SERVICE
from support.apps import context_of
from support.broker import channel_on, message_count, publish
from support.polling import wait_for
from support.webhook_receiver import WebhookReceiver


def send(settings: Settings, *events: Any) -> None:
    """Publish events to association.events as their producers' relays would."""
    exchange = settings.amqp_prefix + "association.events"
    for event in events:
        publish(settings.amqp_url, exchange, event.routing_key, [event.to_json()])


def notification_kinds(worker: Any, volunteer_id: str) -> list[str]:
    with worker.context.database.reader() as session:
        return [n["kind"] for n in notifications_of(session, volunteer_id, 0, 100)]


def public_count(worker: Any) -> int:
    with worker.context.database.reader() as session:
        return session.execute(select(func.count()).select_from(public_events_table)).scalar_one()


def public_backlog(worker: Any) -> int:
    with worker.context.database.reader() as session:
        return PublicEventLog().backlog(session)


def read_stream(amqp_url: str, queue: str, count: int, timeout: float = 20.0) -> list[Any]:
    """Read `count` messages from a stream queue from its first offset, as a partner would."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    taken: list[Any] = []
    try:
        channel = connection.channel()
        channel.basic_qos(prefetch_count=100)  # a stream consumer must set a prefetch
        deadline = time.monotonic() + timeout
        for method, properties, body in channel.consume(
            queue, arguments={"x-stream-offset": "first"}, inactivity_timeout=0.2
        ):
            if method is not None:
                taken.append((method, properties, body))
                channel.basic_ack(method.delivery_tag)
            if len(taken) >= count or time.monotonic() > deadline:
                break
        channel.cancel()
    finally:
        connection.close()
    assert len(taken) == count, f"read {len(taken)} of {count} messages from {queue}"
    return taken


def test_each_event_gives_one_notification_even_when_delivered_twice_and_across_restarts(
    settings: Settings, events, run_worker
) -> None:
    volunteers = [events.registered(phone=f"1391234560{n}") for n in range(3)]
    ids = [v.payload["volunteer_id"] for v in volunteers]
    team_id = str(uuid.uuid4())
    assignments = [events.assigned(v, team_id) for v in ids]
    activity = events.completed(team_id, [(v, "100") for v in ids])
    sent = [*volunteers, *assignments, activity]
    with run_worker(settings) as worker:
        send(settings, *sent, *sent)  # every event twice
        consumer = worker.component(Consumer)
        wait_for(lambda: consumer.applied == 2 * len(sent), timeout=20)
    with run_worker(settings) as worker:  # a restarted worker gets them a third time
        send(settings, *reversed(sent))
        consumer = worker.component(Consumer)
        wait_for(lambda: consumer.applied == len(sent), timeout=20)
        assert message_count(settings.amqp_url, worker.inbox_queue) == 0
        for volunteer_id in ids:
            assert notification_kinds(worker, volunteer_id) == [
                "welcome",
                "team_assigned",
                "activity_thanks",
                "star_level_1",
            ]
        assert public_count(worker) == len(sent)
        assert message_count(settings.amqp_url, settings.amqp_prefix + "notifications.dead") == 0


def test_a_plain_amqp_client_replays_the_public_stream_without_personal_data(
    settings: Settings, events, run_worker
) -> None:
    volunteer = events.registered(name="刘丽珠", phone="13812345678", email="liu@example.com")
    volunteer_id = volunteer.payload["volunteer_id"]
    team_id = str(uuid.uuid4())
    sent = [
        volunteer,
        events.profile_updated(volunteer_id, phone="13787654321", email="new@example.com"),
        events.team_created(team_id),
        events.assigned(volunteer_id, team_id),
        events.completed(team_id, [(volunteer_id, "2.5")]),
    ]
    with run_worker(settings) as worker:
        send(settings, *sent)
        wait_for(lambda: public_count(worker) == len(sent), timeout=20)
        wait_for(lambda: public_backlog(worker) == 0, timeout=20)
        stream = worker.component(PublicStreamRelay).topology.public_stream_queue
        messages = read_stream(settings.amqp_url, stream, len(sent))
    bodies = [json.loads(body) for _, _, body in messages]
    assert [b["event_id"] for b in bodies] == [e.event_id for e in sent]
    assert [m.routing_key for m, _, _ in messages] == [e.routing_key for e in sent]
    text = b"".join(body for _, _, body in messages).decode()
    for secret in ("13812345678", "13787654321", "liu@example.com", "new@example.com", "@"):
        assert secret not in text
    assert "刘丽珠" not in text and bodies[0]["payload"]["name"] == "刘*珠"
    assert "id_verified" not in bodies[0]["payload"]
    assert all(p.content_type == "application/json" for _, p, _ in messages)
    assert [p.message_id for _, p, _ in messages] == [e.event_id for e in sent]


def test_partners_learn_only_the_kind_of_actor_on_the_stream_in_webhooks_and_the_feed(
    settings: Settings, events, run_worker, bearer
) -> None:
    app = create_app(SERVICE, settings)
    client = app.test_client()
    volunteer = dataclasses.replace(events.registered(), actor={"kind": "public", "id": None})
    volunteer_id = volunteer.payload["volunteer_id"]
    team_id = str(uuid.uuid4())
    sent = [
        volunteer,
        dataclasses.replace(
            events.team_created(team_id), actor={"kind": "staff", "id": "coordinator-9"}
        ),
        dataclasses.replace(
            events.assigned(volunteer_id, team_id), actor={"kind": "volunteer", "id": volunteer_id}
        ),
        events.team_created(str(uuid.uuid4())),  # published before actors were recorded
    ]
    try:
        with WebhookReceiver() as receiver:
            subscribed = client.post(
                "/subscriptions",
                json={"url": receiver.url, "event_types": ["TeamCreated", "TeamAssigned"]},
                headers=bearer("partner", sub="fzu"),
            )
            assert subscribed.status_code == 201, subscribed.get_json()
            with run_worker(settings) as worker:
                send(settings, *sent)
                wait_for(lambda: public_count(worker) == len(sent), timeout=20)
                wait_for(lambda: public_backlog(worker) == 0, timeout=20)
                stream = worker.component(PublicStreamRelay).topology.public_stream_queue
                messages = read_stream(settings.amqp_url, stream, len(sent))
                wait_for(lambda: len(receiver.received) == len(sent) - 1, timeout=30)
            hooks = receiver.events(subscribed.get_json()["secret"])
        feed = client.get("/public/events", headers=bearer("partner")).get_json()["events"]
        own_log = client.get("/events", headers=bearer("events:read")).get_json()["events"]
    finally:
        context_of(app).database.dispose()
    kinds = [{"kind": "public"}, {"kind": "staff"}, {"kind": "volunteer"}, None]
    assert [json.loads(body)["actor"] for _, _, body in messages] == kinds
    assert [event["actor"] for event in feed] == kinds
    assert [event["actor"] for event in hooks] == kinds[1:]
    seen = b"".join(body for _, _, body in messages).decode() + json.dumps([feed, hooks])
    assert "coordinator-9" not in seen
    # The partner's own subscription is an event of notifications' log, naming the partner.
    assert [(e["event_type"], e["actor"]) for e in own_log] == [
        ("SubscriptionCreated", {"kind": "partner", "id": "fzu"})
    ]


def test_the_stream_queue_is_a_stream_bound_with_hash_and_a_configurable_retention(
    settings: Settings, run_worker, monkeypatch
) -> None:
    monkeypatch.setenv("PUBLIC_STREAM_MAX_AGE", "7D")
    with run_worker(settings) as worker:
        relay = worker.component(PublicStreamRelay)
        wait_for(relay.declared.is_set)
        assert relay.max_age == "7D"
    queue = settings.amqp_prefix + "association.public.stream"
    with channel_on(settings.amqp_url) as channel:
        channel.queue_declare(
            queue, durable=True, arguments={"x-queue-type": "stream", "x-max-age": "7D"}
        )
    with channel_on(settings.amqp_url) as channel:
        try:
            channel.queue_declare(
                queue, durable=True, arguments={"x-queue-type": "stream", "x-max-age": "30D"}
            )
            raise AssertionError("the broker accepted another retention for the stream")
        except pika.exceptions.ChannelClosedByBroker as error:
            assert error.reply_code == 406


def test_teams_corrections_and_certificates_reach_volunteers_and_partners_redacted(
    settings: Settings, events, run_worker, bearer
) -> None:
    app = create_app(SERVICE, settings)
    client = app.test_client()
    registered = events.registered(name="刘丽珠")
    volunteer_id = registered.payload["volunteer_id"]
    volunteer = registered.with_payload(
        {**registered.payload, "minor": True, "id_number_masked": "3201**********123X"}, 2
    )
    completed = events.completed(str(uuid.uuid4()), [(volunteer_id, "2")], title="文明劝导")
    completed = completed.with_payload(
        {
            **completed.payload,
            "content": "路口文明劝导",
            "organising_unit": "五四路街道",
            "person_in_charge": "王建国",
            "late_reason": "协调员出差补录",
        },
        3,
    )
    corrected = events.hours_corrected(
        completed, volunteer_id, "2.00", "3.00", reason="签到表漏记一小时"
    )
    issued = events.certificate_issued(
        volunteer_id, number="ZM2026000007", activities=((completed.aggregate_id, "3.00"),)
    )
    issued = issued.with_payload({**issued.payload, "name_masked": "欧**娜"})
    sent = [volunteer, completed, corrected, issued]
    secrets = ("3201", "minor", "协调员出差补录", "签到表漏记一小时", "欧**娜", "name_masked")
    try:
        with WebhookReceiver() as receiver:
            subscribed = client.post(
                "/subscriptions",
                json={
                    "url": receiver.url,
                    "event_types": [
                        "VolunteerRegistered",
                        "ActivityCompleted",
                        "HoursCorrected",
                        "CertificateIssued",
                    ],
                },
                headers=bearer("partner", sub="fzu"),
            )
            assert subscribed.status_code == 201, subscribed.get_json()
            with run_worker(settings) as worker:
                send(settings, *sent, *sent)  # every event twice
                consumer = worker.component(Consumer)
                wait_for(lambda: consumer.applied == 2 * len(sent), timeout=20)
                wait_for(lambda: public_count(worker) == len(sent), timeout=20)
                wait_for(lambda: public_backlog(worker) == 0, timeout=20)
                stream = worker.component(PublicStreamRelay).topology.public_stream_queue
                messages = read_stream(settings.amqp_url, stream, len(sent))
                wait_for(lambda: len(receiver.received) == len(sent), timeout=30)
                assert notification_kinds(worker, volunteer_id) == [
                    "welcome",
                    "activity_thanks",
                    "hours_corrected",
                    "certificate_issued",
                ]
                with worker.context.database.reader() as session:
                    [*_, correction, certificate] = notifications_of(session, volunteer_id, 0, 100)
                dead = settings.amqp_prefix + "notifications.dead"
                assert message_count(settings.amqp_url, dead) == 0
            hooks = receiver.events(subscribed.get_json()["secret"])
        feed = client.get("/public/events", headers=bearer("partner")).get_json()["events"]
    finally:
        context_of(app).database.dispose()
    assert [m.routing_key for m, _, _ in messages] == [
        "registration.VolunteerRegistered",
        "teams.ActivityCompleted",
        "teams.HoursCorrected",
        "teams.CertificateIssued",
    ]
    stream_payloads = [json.loads(body)["payload"] for _, _, body in messages]
    for seen in (stream_payloads, [e["payload"] for e in feed], [e["payload"] for e in hooks]):
        assert [sorted(set(p) & {"minor", "id_number_masked", "late_reason"}) for p in seen] == [
            [],
            [],
            [],
            [],
        ]
        assert "reason" not in seen[2] and seen[2]["hours"] == "3.00"
        assert "name_masked" not in seen[3] and seen[3]["number"] == "ZM2026000007"
        assert seen[1]["person_in_charge"] == "王*国"
    text = b"".join(body for _, _, body in messages).decode() + json.dumps([feed, hooks])
    for secret in secrets:
        assert secret not in text
    assert "由 2 小时更正为 3 小时" in correction["body"]
    assert "签到表漏记一小时" in correction["body"]  # the volunteer is told why
    assert "编号 ZM2026000007" in certificate["body"]
