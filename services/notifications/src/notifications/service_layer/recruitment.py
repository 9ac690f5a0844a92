"""What teams' recruitment events change here: applicants told of each decision, reminders
scheduled and dropped, accepted applicants told of a cancelled activity.

An application's events are applied in the order of their versions: one arriving after a later
event of the same application (or again) changes nothing and tells no one.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from notifications.adapters import recruitment_records as records
from notifications.adapters import volunteer_records
from notifications.adapters.recruitment_records import Application
from notifications.adapters.recruitment_tables import ACCEPTED, CANCELLED
from notifications.domain import messages
from notifications.domain.reminders import china_time, reminder_due
from notifications.service_layer.notifier import Notifier


def _newer(session: Session, activity_id: str, volunteer_id: str, version: int) -> bool:
    stored = records.application_version(session, activity_id, volunteer_id)
    return stored is None or stored < version


def accept(
    session: Session, notifier: Notifier, event_id: str, application: Application, at: datetime
) -> None:
    """Tell the volunteer they got a place (title, start in China time, location) and schedule
    the reminder a day ahead, unless the start is less than 24 hours away by then."""
    message = messages.application_accepted(
        application.title, china_time(application.starts_at), application.location
    )
    _decided(session, notifier, event_id, application, message, at)


def promote(
    session: Session, notifier: Notifier, event_id: str, application: Application, at: datetime
) -> None:
    """Tell the volunteer a place came free for them, and schedule the reminder as on acceptance."""
    message = messages.application_promoted(
        application.title, china_time(application.starts_at), application.location
    )
    _decided(session, notifier, event_id, application, message, at)


def waitlist(
    session: Session, notifier: Notifier, event_id: str, application: Application, position: int
) -> None:
    """Tell the volunteer every place is taken and where they stand in the waiting list."""
    message = messages.application_waitlisted(
        application.title, china_time(application.starts_at), position
    )
    _decided(session, notifier, event_id, application, message, None)


def _decided(
    session: Session,
    notifier: Notifier,
    event_id: str,
    application: Application,
    message: messages.Message,
    remind_from: datetime | None,
) -> None:
    activity_id, volunteer_id = application.activity_id, application.volunteer_id
    if volunteer_records.is_withdrawn(session, volunteer_id):
        return
    if not _newer(session, activity_id, volunteer_id, application.version):
        return
    records.save_application(session, application)
    if records.is_cancelled(session, activity_id):
        return  # cancelled meanwhile: neither a notice of a place nor a reminder
    notifier.notify(session, event_id, volunteer_id, message)
    if application.status == ACCEPTED and remind_from is not None:
        due = reminder_due(application.starts_at, remind_from)
        if due is not None:
            records.schedule_reminder(session, application, due)


def cancel_application(
    session: Session, activity_id: str, volunteer_id: str, version: int, cancelled_at: datetime
) -> None:
    """The application withdrawn: no reminder, and no notice when the activity is cancelled."""
    if volunteer_records.is_withdrawn(session, volunteer_id):
        return
    if not _newer(session, activity_id, volunteer_id, version):
        return
    known = records.application(session, activity_id, volunteer_id)
    if known is None:  # before its acceptance arrived: remembered, so that it stays cancelled
        known = Application(activity_id, volunteer_id, CANCELLED, version, "", "", cancelled_at)
    records.save_application(session, replace(known, status=CANCELLED, version=version))
    records.drop_reminder(session, activity_id, volunteer_id)


def cancel_activity(
    session: Session,
    notifier: Notifier,
    event_id: str,
    activity_id: str,
    reason: str,
    cancelled_at: datetime,
) -> None:
    """Drop the activity's reminders and tell each applicant accepted for it, with the reason
    (the waiting list and withdrawn applicants are not told)."""
    records.cancel_activity(session, activity_id, cancelled_at)
    for application in records.accepted_for(session, activity_id):
        message = messages.activity_cancelled(
            application.title, china_time(application.starts_at), reason
        )
        notifier.notify(session, event_id, application.volunteer_id, message)
