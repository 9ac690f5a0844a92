"""Attendance recorded ahead of a completion, in batches, and what a completion counts: the
batches, then the hours of those who checked in and out and are in no batch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from association.access import EVERYTHING, Reach
from association.store import EventStore
from teams.adapters.presence_queries import (
    checked_in_attendance,
    eligible_volunteers,
    recorded_attendance,
)
from teams.adapters.repository import load_activity
from teams.domain.activity import Activity
from teams.domain.events import ActivityScheduled, Attendance, AttendanceRecorded
from teams.service_layer.commands import change
from teams.service_layer.reach import activity_within


def record_attendance(
    session: Session,
    store: EventStore,
    activity_id: UUID,
    attendance: Sequence[Attendance],
    now: datetime,
    reach: Reach = EVERYTHING,
) -> AttendanceRecorded:
    """Record up to 500 attendees' hours of an ended, still scheduled activity
    (AttendanceRecorded); an attendee recorded before has the entry replaced."""

    def decide(activity: Activity) -> AttendanceRecorded:
        plan = activity.plan
        given = {entry.volunteer_id for entry in attendance}
        eligible = eligible_volunteers(session, plan.activity_id, plan.team_id, given)
        return activity.record_attendance(attendance, eligible, now)

    within = activity_within(session, reach)
    return change(session, store, load_activity, "activity", activity_id, decide, within)


def carried_attendance(session: Session, plan: ActivityScheduled) -> list[Attendance]:
    """What a completion counts before its own entries: the attendance recorded ahead, then the
    check-in hours of those not recorded (read from the tables, under the writers' lock)."""
    recorded = recorded_attendance(session, plan.activity_id)
    seen = {entry.volunteer_id for entry in recorded}
    present = checked_in_attendance(session, plan)
    return recorded + [entry for entry in present if entry.volunteer_id not in seen]
