"""A volunteer's application for an activity: who may apply, and whether they get a slot or a
place on the waiting list; cancelling one, and the first waiting promoted to the slot it frees.

The decisions are made on what the caller read under the writers' lock (how many are accepted
and waiting), so that no other application changes it before the events are appended."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from teams.domain.activity import Activity
from teams.domain.errors import ActivityClosed, Conflict, Invalid, NotFound
from teams.domain.recruitment_events import (
    ApplicationAccepted,
    ApplicationCancelled,
    ApplicationEvent,
    ApplicationPromoted,
    ApplicationWaitlisted,
)
from teams.domain.vocabularies import ActivityStatus, ApplicationStatus, OpenTo
from teams.domain.volunteer import KnownVolunteer

ACTIVE = (ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED)


class AlreadyApplied(Conflict):
    """The volunteer's application is accepted or waiting already."""


class ActivityStarted(Conflict):
    """The activity has started: its applications stay as they are."""


class NoActiveApplication(NotFound):
    """The volunteer has no accepted or waiting application for the activity."""


@dataclass
class Application:
    """An application as its events left it (`status` None before any); `version` counts them."""

    status: ApplicationStatus | None = None
    version: int = 0

    @classmethod
    def from_events(cls, events: Sequence[ApplicationEvent]) -> Application:
        application = cls()
        for event in events:
            application.apply(event)
        return application

    def apply(self, event: ApplicationEvent) -> None:
        """Change the state by one event."""
        if isinstance(event, ApplicationAccepted | ApplicationPromoted):
            self.status = ApplicationStatus.ACCEPTED
        elif isinstance(event, ApplicationWaitlisted):
            self.status = ApplicationStatus.WAITLISTED
        elif isinstance(event, ApplicationCancelled):
            self.status = ApplicationStatus.CANCELLED
        else:
            raise ValueError(f"an application cannot apply {event!r}")
        self.version += 1

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


@dataclass(frozen=True)
class Applicant:
    """The volunteer applying as known here (None: not known yet) and whether they are a member
    of the activity's team."""

    volunteer_id: UUID
    known: KnownVolunteer | None
    member: bool


def sign_up_deadline(activity: Activity) -> datetime:
    """Until when one may apply: `sign_up_until`, or the start without one."""
    return activity.plan.sign_up_until or activity.plan.starts_at


def ineligibility(activity: Activity, applicant: Applicant, now: datetime) -> Invalid | None:
    """Why the applicant may not apply for the activity now (each field at fault), else None."""
    errors: dict[str, list[str]] = {}
    plan, volunteer = activity.plan, applicant.known
    if activity.status is not ActivityStatus.SCHEDULED:
        errors["activity"] = [f"the activity is {activity.status.value}"]
    if volunteer is None or not volunteer.active or volunteer.name is None:
        state = "has withdrawn" if volunteer else "is not known to the teams service yet"
        errors["volunteer_id"] = [f"volunteer {applicant.volunteer_id} {state}"]
    else:
        problems = []
        if plan.open_to is OpenTo.TEAM and not applicant.member:
            problems.append("open to the members of its team only")
        if plan.adults_only and volunteer.minor is None:
            problems.append("adults only, and the volunteer's age is not known")
        elif plan.adults_only and volunteer.minor:
            problems.append("adults only, and the volunteer is a minor")
        if problems:
            errors["volunteer_id"] = problems
    if now >= sign_up_deadline(activity):
        closed = sign_up_deadline(activity).isoformat()
        errors["sign_up_until"] = [f"sign-up closed at {closed}"]
    if not errors:
        return None
    return Invalid("the volunteer may not apply for this activity", errors)


def apply_for(
    activity: Activity,
    applicant: Applicant,
    application: Application,
    accepted: int,
    waiting: int,
    now: datetime,
) -> ApplicationAccepted | ApplicationWaitlisted:
    """Accept the applicant while fewer than `slots` are accepted (or without a limit), else put
    them on the waiting list after the `waiting` already there. 409 with an application
    accepted or waiting already; 422 naming the fields when they may not apply."""
    refusal = ineligibility(activity, applicant, now)
    if refusal is not None:
        raise refusal
    if application.active:
        status = application.status.value if application.status else ""
        raise AlreadyApplied(f"the volunteer's application is {status} already")
    plan = activity.plan
    common = (
        plan.activity_id,
        plan.team_id,
        applicant.volunteer_id,
        plan.title,
        plan.location,
        plan.starts_at,
        plan.ends_at,
    )
    if plan.slots is None or accepted < plan.slots:
        return ApplicationAccepted(*common, now)
    return ApplicationWaitlisted(*common, waiting + 1, now)


def cancel(
    activity: Activity, volunteer_id: UUID, application: Application, now: datetime
) -> ApplicationCancelled:
    """Withdraw an accepted or waiting application before the activity starts (409 once it has
    started, completed or been cancelled)."""
    if application.status not in ACTIVE:
        raise NoActiveApplication(f"volunteer {volunteer_id} has no application for the activity")
    if activity.status is not ActivityStatus.SCHEDULED:
        raise ActivityClosed(f"the activity is already {activity.status.value}")
    if now >= activity.plan.starts_at:
        raise ActivityStarted("the activity has started: its applications stay as they are")
    assert application.status is not None
    plan = activity.plan
    return ApplicationCancelled(
        plan.activity_id, plan.team_id, volunteer_id, application.status, now
    )


def promote(activity: Activity, volunteer_id: UUID, now: datetime) -> ApplicationPromoted:
    """The first waiting volunteer gets the slot a cancellation freed."""
    plan = activity.plan
    return ApplicationPromoted(
        plan.activity_id,
        plan.team_id,
        volunteer_id,
        plan.title,
        plan.location,
        plan.starts_at,
        plan.ends_at,
        now,
    )


def frees_a_slot(cancelled: ApplicationCancelled) -> bool:
    """Whether the cancellation gives the first waiting volunteer a slot."""
    return cancelled.previous_status is ApplicationStatus.ACCEPTED
