"""A reminder due while the notifications worker is killed (SIGKILL) and restarted around its due
time: exactly one reminder stored, exactly one SMS received by a local HTTP SMS gateway.

The real `notifications-worker` process runs on SQLite and on a private PostgreSQL schema; the
test publishes teams' and registration's events to the broker as their relays would. The activity
starts 24 hours and a few seconds after the acceptance, so its reminder falls due during the test.
The worker is killed a second before the due time and started again once it has passed; killed
again once the reminder's SMS has been written down as sent, and started again: neither restart
loses or repeats the reminder.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pika
import pytest
from recruitment_envelopes import Recruitment
from sqlalchemy import func, select

from association.db import Database
from association.events import Envelope
from association.messaging.topology import Topology
from association.testing import private_schema
from broker_control import publish_events
from notifications.adapters.volunteer_tables import message_deliveries_table, notifications_table
from notifications.domain.reminders import REMINDER_LEAD
from support.broker import channel_on
from support.polling import wait_for
from support.processes import ServiceProcess
from support.sms_receiver import SmsReceiver

SMS_SECRET = "s" * 40
LEAD_SLACK = timedelta(seconds=15)  # from the acceptance to the reminder's due time
REMINDER_TEXT = "提醒您"


@pytest.fixture(params=["sqlite", "postgresql"])
def worker_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with ExitStack() as resources:
        if request.param == "postgresql":
            postgres_url = request.getfixturevalue("postgres_url")
            yield resources.enter_context(private_schema(postgres_url))
        else:
            yield f"sqlite:///{tmp_path}/notifications.db"


def registered(volunteer_id: str) -> Envelope:
    payload = {
        "volunteer_id": volunteer_id,
        "name": "刘丽珠",
        "phone": "13812345678",
        "email": None,
        "street": "五四路街道",
        "skills": [],
        "organisation_id": None,
        "registered_at": datetime.now(UTC).isoformat(),
        "source": "web",
        "id_verified": True,
    }
    return Envelope(
        event_type="VolunteerRegistered",
        aggregate_id=volunteer_id,
        aggregate_version=1,
        payload=payload,
        producer="registration",
        sequence=1,
        correlation_id=str(uuid.uuid4()),
    )


def consuming(amqp_url: str, queue: str) -> bool:
    """Whether the worker's consumer is on its inbox (declared, with a consumer)."""
    try:
        with channel_on(amqp_url) as channel:
            return channel.queue_declare(queue, passive=True).method.consumer_count > 0
    except pika.exceptions.ChannelClosedByBroker:
        return False


def texts(sms: SmsReceiver, containing: str) -> list[str]:
    with sms.lock:
        return [m["text"] for m in sms.messages if containing in m["text"]]


def reminders_stored(database: Database) -> int:
    n = notifications_table.c
    with database.reader() as session:
        return session.execute(
            select(func.count()).where(n.kind == "activity_reminder")
        ).scalar_one()


def reminder_sms_written_down(database: Database) -> bool:
    n, d = notifications_table.c, message_deliveries_table.c
    with database.reader() as session:
        return bool(
            session.execute(
                select(func.count())
                .select_from(message_deliveries_table.join(notifications_table))
                .where(n.kind == "activity_reminder", d.channel == "sms", d.status == "sent")
            ).scalar_one()
        )


def kill(worker: ServiceProcess, tmp_path: Path, run: int) -> ServiceProcess:
    """SIGKILL the worker; the same command with the same environment, to be started again."""
    assert worker.process is not None and worker.process.poll() is None, worker.output()[-3000:]
    worker.process.kill()
    worker.process.wait()
    worker.stop()
    return ServiceProcess(
        worker.command, worker.environment, tmp_path / f"notifications-worker-{run}.log"
    )


@pytest.mark.slow
def test_a_reminder_is_sent_once_across_a_killed_and_restarted_worker(
    worker_database: str, tmp_path: Path, amqp_url: str, amqp_prefix: str
) -> None:
    with SmsReceiver(SMS_SECRET) as sms, ExitStack() as resources:
        environment = {
            "DATABASE_URL": worker_database,
            "AMQP_URL": amqp_url,
            "AMQP_PREFIX": amqp_prefix,
            "SMS_URL": sms.url,
            "SMS_SECRET": SMS_SECRET,
            "LOG_LEVEL": "INFO",
        }
        worker = ServiceProcess(
            "notifications-worker", environment, tmp_path / "notifications-worker.log"
        )
        worker.start()
        resources.callback(lambda: worker.stop())
        inbox = Topology("notifications", amqp_prefix).inbox_queue
        wait_for(lambda: consuming(amqp_url, inbox), timeout=60, what="the worker consuming")
        volunteer_id = str(uuid.uuid4())
        publish_events(amqp_url, amqp_prefix, [registered(volunteer_id).to_dict()])
        wait_for(lambda: texts(sms, "感谢您报名成为"), timeout=60, what="the welcome by SMS")

        accepted_at = datetime.now(UTC)
        due_at = accepted_at + LEAD_SLACK
        activity = Recruitment(due_at + REMINDER_LEAD)
        publish_events(  # delivered twice: told once
            amqp_url,
            amqp_prefix,
            [activity.accepted(volunteer_id, accepted_at).to_dict()],
            copies=2,
        )
        wait_for(lambda: texts(sms, "已录取"), timeout=30, what="the acceptance by SMS")
        assert texts(sms, REMINDER_TEXT) == []

        # Killed a second before the reminder is due, started again once it is past due.
        wait_for(lambda: datetime.now(UTC) >= due_at - timedelta(seconds=1), timeout=30)
        worker = kill(worker, tmp_path, 1)
        wait_for(lambda: datetime.now(UTC) >= due_at + timedelta(seconds=2), timeout=30)
        worker.start()
        wait_for(lambda: texts(sms, REMINDER_TEXT), timeout=60, what="the reminder by SMS")

        database = Database(worker_database)
        resources.callback(database.dispose)
        wait_for(lambda: reminder_sms_written_down(database), timeout=30)
        # Killed again once the reminder went out and was written down, and started again.
        worker = kill(worker, tmp_path, 2)
        worker.start()
        other = Recruitment(datetime.now(UTC) + timedelta(days=3), title="汤泉街道护学岗")
        publish_events(amqp_url, amqp_prefix, [other.waitlisted(volunteer_id, 4).to_dict()])
        wait_for(lambda: texts(sms, "候补名单第 4 位"), timeout=60, what="a later notice by SMS")
        settled = time.monotonic() + 2  # a few more rounds of the scheduler after the restart
        wait_for(lambda: time.monotonic() >= settled, timeout=5)

        assert len(texts(sms, "已录取")) == 1
        assert reminders_stored(database) == 1
        reminders = texts(sms, REMINDER_TEXT)
        assert len(reminders) == 1, reminders
        assert "五四广场垃圾分类督导" in reminders[0]
        assert sms.refused == 0
        assert worker.stop() == 0, worker.output()[-3000:]
