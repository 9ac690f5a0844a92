"""Domain events become envelopes whose payloads pass the shared schemas, and come back equal."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from association.events import default_registry
from teams.adapters.codec import from_envelope, to_envelope
from teams.domain.events import (
    ActivityCancelled,
    ActivityCompleted,
    ActivityScheduled,
    Attendance,
    DomainEvent,
    HoursCorrected,
    TeamAssigned,
    TeamCreated,
    TeamMemberRemoved,
)
from teams.domain.vocabularies import ActivityKind, RemovalReason, TeamKind, TeamRole

NOW = datetime(2026, 5, 1, 1, 2, 3, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)
IDS = [uuid.uuid4() for _ in range(3)]

EVENTS: list[DomainEvent] = [
    TeamCreated(
        IDS[0], "医护义诊队", TeamKind.PROFESSIONAL, "三甲医院医生", ("medicine",), 20, NOW
    ),
    TeamCreated(IDS[0], "无上限队", TeamKind.YOUTH, "", (), None, NOW),
    TeamAssigned(IDS[0], "医护义诊队", IDS[1], TeamRole.LEADER, NOW),
    TeamMemberRemoved(IDS[0], IDS[1], RemovalReason.WITHDRAWN, NOW),
    ActivityScheduled(
        IDS[2],
        IDS[0],
        "义诊",
        ActivityKind.MEDICAL_CLINIC,
        "社区卫生站",
        NOW,
        LATER,
        "量血压",
        "协会",
        "钱医生",
        NOW,
    ),
    ActivityCompleted(
        IDS[2],
        IDS[0],
        "义诊",
        ActivityKind.MEDICAL_CLINIC,
        "社区卫生站",
        NOW,
        LATER,
        LATER,
        (Attendance(IDS[1], Decimal("1.50")),),
        "量血压",
        "协会",
        "钱医生",
    ),
    ActivityCancelled(IDS[2], IDS[0], "暴雨", NOW),
]
# Later in a record's life: a late completion with its reason, and corrections of its hours.
LATE_RECORD: list[DomainEvent] = [
    ActivityCompleted(
        IDS[2],
        IDS[0],
        "义诊",
        ActivityKind.MEDICAL_CLINIC,
        "社区卫生站",
        NOW,
        LATER,
        LATER + timedelta(days=30),
        (Attendance(IDS[1], Decimal("1.50")),),
        "量血压",
        "协会",
        "钱医生",
        "负责人住院，回来后补录",
    ),
    HoursCorrected(
        IDS[2], IDS[0], "义诊", IDS[1], Decimal("1.50"), Decimal("0.00"), "未到场", LATER
    ),
    HoursCorrected(IDS[2], IDS[0], "义诊", IDS[0], Decimal("0.00"), Decimal("2.00"), "漏记", LATER),
]


@pytest.mark.parametrize("event", EVENTS + LATE_RECORD, ids=lambda e: type(e).__name__)
def test_events_round_trip_through_the_contract_schemas(event: DomainEvent) -> None:
    envelope = default_registry().upcast(to_envelope(event, 3))
    assert envelope.event_type == type(event).__name__
    assert envelope.aggregate_version == 3
    assert from_envelope(envelope) == event


def test_payload_times_are_utc_and_hours_are_two_decimal_strings() -> None:
    east = datetime(2026, 5, 1, 9, 2, 3, tzinfo=timezone(timedelta(hours=8)))
    event = ActivityCompleted(
        IDS[2],
        IDS[0],
        "t",
        ActivityKind.OTHER,
        "l",
        east,
        LATER,
        LATER,
        (Attendance(IDS[1], Decimal("2")),),
        "",
        "",
        "",
    )
    payload = to_envelope(event, 2).payload
    assert payload["started_at"] == "2026-05-01T01:02:03+00:00"
    assert payload["attendance"] == [{"volunteer_id": str(IDS[1]), "hours": "2.00"}]
    assert to_envelope(event, 2).aggregate_id == str(IDS[2])


def test_activity_completed_is_written_as_version_3_and_version_1_reads_with_empty_fields() -> None:
    completed = EVENTS[-2]
    envelope = to_envelope(completed, 2)
    assert envelope.schema_version == 3
    assert envelope.payload["late_reason"] is None
    assert envelope.payload["person_in_charge"] == "钱医生"
    old = envelope.with_payload(
        {
            k: v
            for k, v in envelope.payload.items()
            if k not in ("content", "organising_unit", "person_in_charge", "late_reason")
        },
        schema_version=1,
    )
    upcast = default_registry().upcast(old)
    assert upcast.schema_version == 3
    assert from_envelope(upcast).person_in_charge == ""
    assert from_envelope(upcast).late_reason is None


def test_hours_corrected_carries_two_decimal_hours_and_no_personal_data() -> None:
    payload = to_envelope(LATE_RECORD[1], 4).payload
    assert (payload["previous_hours"], payload["hours"]) == ("1.50", "0.00")
    assert set(payload) == {
        "activity_id",
        "team_id",
        "title",
        "volunteer_id",
        "previous_hours",
        "hours",
        "reason",
        "corrected_at",
    }
