"""The rules of recruitment's notices and reminders: when a reminder falls due, its stable id,
China time, and which events stay away from partners."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from association.events import Envelope
from association.events.recruitment import ActivityScheduledV2
from notifications.adapters.message_templates import MessageComposer
from notifications.domain import messages
from notifications.domain.public_events import (
    CONSUMED_PRIVATE,
    PRIVATE,
    PUBLIC_EVENT_TYPES,
    REPUBLISHED,
)
from notifications.domain.redaction import redact
from notifications.domain.reminders import china_time, reminder_due, reminder_event_id

START = datetime(2026, 8, 9, 1, 30, tzinfo=UTC)


def test_a_reminder_falls_due_a_day_before_the_start() -> None:
    assert reminder_due(START, START - timedelta(days=3)) == START - timedelta(hours=24)


def test_accepted_exactly_a_day_ahead_is_still_reminded_at_once() -> None:
    assert reminder_due(START, START - timedelta(hours=24)) == START - timedelta(hours=24)


def test_accepted_less_than_a_day_ahead_gets_no_reminder() -> None:
    assert reminder_due(START, START - timedelta(hours=23, minutes=59)) is None
    assert reminder_due(START, START) is None
    assert reminder_due(START, START + timedelta(hours=1)) is None


def test_the_due_time_does_not_depend_on_the_offset_the_start_is_written_in() -> None:
    in_china = datetime.fromisoformat("2026-08-09T09:30+08:00")
    assert reminder_due(in_china, START - timedelta(days=2)) == START - timedelta(hours=24)


def test_a_reminders_event_id_is_stable_and_its_own() -> None:
    due = START - timedelta(hours=24)
    first = reminder_event_id("a-1", "v-1", due)
    assert first == reminder_event_id("a-1", "v-1", due.astimezone(START.tzinfo))
    assert first == reminder_event_id(
        "a-1", "v-1", datetime.fromisoformat("2026-08-08T09:30+08:00")
    )
    others = {
        reminder_event_id("a-2", "v-1", due),
        reminder_event_id("a-1", "v-2", due),
        reminder_event_id("a-1", "v-1", due + timedelta(minutes=1)),
    }
    assert first not in others and len(others) == 3


def test_times_are_told_in_china_time() -> None:
    assert china_time(START) == "2026-08-09 09:30"
    assert china_time(datetime(2026, 12, 31, 16, 5, tzinfo=UTC)) == "2027-01-01 00:05"


def test_the_notices_say_what_the_volunteer_needs() -> None:
    zh, en = MessageComposer("zh"), MessageComposer("en")
    accepted = messages.application_accepted("垃圾分类督导", "2026-08-09 09:30", "五四广场东门")
    body = zh.render(accepted, "刘丽珠").body
    assert "时间：2026-08-09 09:30（北京时间）" in body and "地点：五四广场东门" in body
    assert "When: 2026-08-09 09:30 (China time)" in en.render(accepted, "Liu").body
    waiting = messages.application_waitlisted("垃圾分类督导", "2026-08-09 09:30", 2)
    assert "候补名单第 2 位" in zh.render(waiting, None).body
    cancelled = messages.activity_cancelled("垃圾分类督导", "2026-08-09 09:30", "台风预警")
    assert "取消原因：台风预警" in zh.render(cancelled, None).body
    reminder = messages.activity_reminder("垃圾分类督导", "2026-08-09 09:30", "五四广场东门")
    assert zh.render(reminder, None).subject == "活动提醒：「垃圾分类督导」明天开始"


def test_no_application_or_presence_event_reaches_partners() -> None:
    private = set(PRIVATE["teams"])
    assert private == {
        "ApplicationAccepted",
        "ApplicationWaitlisted",
        "ApplicationPromoted",
        "ApplicationCancelled",
        "CheckedIn",
        "CheckedOut",
        "AttendanceRecorded",
    }
    assert not private & set(PUBLIC_EVENT_TYPES)
    assert not private & set(REPUBLISHED["teams"])
    assert set(CONSUMED_PRIVATE["teams"]) <= private


def test_activity_scheduled_version_2_reaches_partners_with_its_recruitment_fields() -> None:
    payload = {
        "activity_id": "0b7d7e52-1c1d-4a8e-9a43-0d5a4c0f7e11",
        "team_id": "1c8e8f63-2d2e-4b9f-8b54-1e6b5d1f8f22",
        "title": "垃圾分类督导",
        "kind": "垃圾分类督导",
        "location": "五四广场",
        "starts_at": START.isoformat(),
        "ends_at": (START + timedelta(hours=3)).isoformat(),
        "content": "",
        "organising_unit": "五四路街道",
        "person_in_charge": "欧阳娜娜",
        "scheduled_at": (START - timedelta(days=5)).isoformat(),
        "slots": 20,
        "open_to": "all",
        "sign_up_until": (START - timedelta(hours=2)).isoformat(),
        "adults_only": True,
    }
    public = redact(Envelope("ActivityScheduled", "a-1", 1, payload, schema_version=2))
    assert public.payload == payload | {"person_in_charge": "欧**娜"}
    assert ActivityScheduledV2().validate(public.payload) == {}


def test_the_ends_of_the_calendar_neither_fail_nor_remind() -> None:
    first = datetime(1, 1, 1, 10, 0, tzinfo=UTC)
    assert reminder_due(first, first - timedelta(hours=1)) is None
    last = datetime(9999, 12, 31, 20, 0, tzinfo=UTC)
    assert china_time(last) == "9999-12-31 20:00 +0000"
