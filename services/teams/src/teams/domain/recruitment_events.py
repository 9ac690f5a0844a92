"""The events of recruitment and presence on site (docs/contract.md): an application and a
presence are aggregates of their own, one per (activity, volunteer), so that a busy activity's
history stays short and the activity's own events are few."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid5

from teams.domain.vocabularies import ApplicationStatus, CheckInMethod

# Fixed namespaces: the same (activity, volunteer) always names the same aggregate.
_APPLICATIONS = UUID("6f1d3c2e-8a4b-5c9d-9e0f-1a2b3c4d5e6f")
_PRESENCES = UUID("7a2e4d3f-9b5c-5dae-8f10-2b3c4d5e6f70")


def application_id(activity_id: UUID, volunteer_id: UUID) -> UUID:
    """The id of the volunteer's application for the activity."""
    return uuid5(_APPLICATIONS, f"{activity_id}/{volunteer_id}")


def presence_id(activity_id: UUID, volunteer_id: UUID) -> UUID:
    """The id of the volunteer's check-in and check-out at the activity."""
    return uuid5(_PRESENCES, f"{activity_id}/{volunteer_id}")


@dataclass(frozen=True)
class ApplicationAccepted:
    """The volunteer applied and got a slot (or the activity has no limit)."""

    activity_id: UUID
    team_id: UUID
    volunteer_id: UUID
    title: str
    location: str
    starts_at: datetime
    ends_at: datetime
    accepted_at: datetime


@dataclass(frozen=True)
class ApplicationWaitlisted:
    """The volunteer applied when every slot was taken; `position` in the waiting list."""

    activity_id: UUID
    team_id: UUID
    volunteer_id: UUID
    title: str
    location: str
    starts_at: datetime
    ends_at: datetime
    position: int
    waitlisted_at: datetime


@dataclass(frozen=True)
class ApplicationPromoted:
    """A slot came free and went to this volunteer, the first waiting."""

    activity_id: UUID
    team_id: UUID
    volunteer_id: UUID
    title: str
    location: str
    starts_at: datetime
    ends_at: datetime
    promoted_at: datetime


@dataclass(frozen=True)
class ApplicationCancelled:
    """The application withdrawn from the status it had (accepted or waitlisted)."""

    activity_id: UUID
    team_id: UUID
    volunteer_id: UUID
    previous_status: ApplicationStatus
    cancelled_at: datetime


@dataclass(frozen=True)
class CheckedIn:
    """The volunteer arrived on site, with the code shown there or at a roll call."""

    activity_id: UUID
    team_id: UUID
    volunteer_id: UUID
    method: CheckInMethod
    checked_in_at: datetime


@dataclass(frozen=True)
class CheckedOut:
    """The volunteer left the site after checking in."""

    activity_id: UUID
    team_id: UUID
    volunteer_id: UUID
    method: CheckInMethod
    checked_out_at: datetime


ApplicationEvent = (
    ApplicationAccepted | ApplicationWaitlisted | ApplicationPromoted | ApplicationCancelled
)
PresenceEvent = CheckedIn | CheckedOut
RECRUITMENT_EVENT_CLASSES: tuple[type, ...] = (
    ApplicationAccepted,
    ApplicationWaitlisted,
    ApplicationPromoted,
    ApplicationCancelled,
    CheckedIn,
    CheckedOut,
)
