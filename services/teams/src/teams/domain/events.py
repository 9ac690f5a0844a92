"""The domain events of teams and activities; their fields are the payloads (docs/contract.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from teams.domain.certificates import CertifiedActivity
from teams.domain.recruitment_events import (
    RECRUITMENT_EVENT_CLASSES,
    ApplicationEvent,
    PresenceEvent,
    application_id,
    presence_id,
)
from teams.domain.vocabularies import ActivityKind, OpenTo, RemovalReason, TeamKind, TeamRole


@dataclass(frozen=True)
class TeamCreated:
    """A team set up, with what it does and whom it takes."""

    team_id: UUID
    name: str
    kind: TeamKind
    description: str
    required_skills: tuple[str, ...]
    capacity: int | None
    created_at: datetime
    # Version 2: the member organisation the team belongs to (None: the association's own).
    organisation_id: UUID | None = None


@dataclass(frozen=True)
class TeamAssigned:
    """A volunteer joined a team, as member or leader."""

    team_id: UUID
    team_name: str
    volunteer_id: UUID
    role: TeamRole
    assigned_at: datetime


@dataclass(frozen=True)
class TeamMemberRemoved:
    """A volunteer left a team: removed, or gone with their withdrawal."""

    team_id: UUID
    volunteer_id: UUID
    reason: RemovalReason
    removed_at: datetime


@dataclass(frozen=True)
class ActivityScheduled:
    """An activity planned for a team, with its service-record fields."""

    activity_id: UUID
    team_id: UUID
    title: str
    kind: ActivityKind
    location: str
    starts_at: datetime
    ends_at: datetime
    content: str
    organising_unit: str
    person_in_charge: str
    scheduled_at: datetime
    # Version 2, recruitment: how many are accepted (None: no limit), who may apply, until when
    # (None: until the start) and whether minors are refused.
    slots: int | None = None
    open_to: OpenTo = OpenTo.TEAM
    sign_up_until: datetime | None = None
    adults_only: bool = False


@dataclass(frozen=True)
class Attendance:
    """The hours one volunteer served at a completed activity."""

    volunteer_id: UUID
    hours: Decimal


@dataclass(frozen=True)
class AttendanceRecorded:
    """Up to 500 attendees' hours recorded ahead of the completion, which counts them; an
    attendee recorded again has their entry replaced."""

    activity_id: UUID
    team_id: UUID
    attendance: tuple[Attendance, ...]
    recorded_at: datetime


@dataclass(frozen=True)
class ActivityCompleted:
    """An activity held, with the hours each volunteer present served."""

    activity_id: UUID
    team_id: UUID
    title: str
    kind: ActivityKind
    location: str
    started_at: datetime
    ended_at: datetime
    completed_at: datetime
    attendance: tuple[Attendance, ...]
    # The service-record fields of version 2 (《志愿服务记录与证明出具办法》 Art. 7).
    content: str
    organising_unit: str
    person_in_charge: str
    # Version 3: why the hours were recorded more than 10 working days after the end (else None).
    late_reason: str | None = None


@dataclass(frozen=True)
class ActivityCancelled:
    """An activity called off before it was held, and why."""

    activity_id: UUID
    team_id: UUID
    reason: str
    cancelled_at: datetime


@dataclass(frozen=True)
class HoursCorrected:
    """An attendee's hours at a completed activity set anew, and why; `previous_hours` is what
    they were (zero for an attendee the completion had left out)."""

    activity_id: UUID
    team_id: UUID
    title: str
    volunteer_id: UUID
    previous_hours: Decimal
    hours: Decimal
    reason: str
    corrected_at: datetime


@dataclass(frozen=True)
class CertificateIssued:
    """A certificate of volunteer service issued (its own aggregate, of one event): what it
    states, its signature, and the activities it counted with their hours then. The masked name
    is its only personal field."""

    certificate_id: UUID
    number: str
    volunteer_id: UUID
    name_masked: str
    period_from: date | None
    period_to: date | None
    total_hours: Decimal
    activity_count: int
    issued_at: datetime
    issuer: str
    signature: str
    activities: tuple[CertifiedActivity, ...]


TeamEvent = TeamCreated | TeamAssigned | TeamMemberRemoved
ActivityEvent = (
    ActivityScheduled | ActivityCompleted | ActivityCancelled | HoursCorrected | AttendanceRecorded
)
DomainEvent = TeamEvent | ActivityEvent | CertificateIssued | ApplicationEvent | PresenceEvent

EVENT_CLASSES: tuple[type, ...] = (
    TeamCreated,
    TeamAssigned,
    TeamMemberRemoved,
    ActivityScheduled,
    ActivityCompleted,
    ActivityCancelled,
    HoursCorrected,
    CertificateIssued,
    AttendanceRecorded,
    *RECRUITMENT_EVENT_CLASSES,
)


def aggregate_id(event: DomainEvent) -> UUID:
    """The team, activity, certificate, application or presence an event belongs to."""
    if isinstance(event, CertificateIssued):
        return event.certificate_id
    if isinstance(event, ApplicationEvent):
        return application_id(event.activity_id, event.volunteer_id)
    if isinstance(event, PresenceEvent):
        return presence_id(event.activity_id, event.volunteer_id)
    if isinstance(event, TeamCreated | TeamAssigned | TeamMemberRemoved):
        return event.team_id
    return event.activity_id
