"""The messages the association sends volunteers: their kinds and what each one says.

A notification is unique per (event, recipient, kind). A star-level milestone has one kind per
level (`star_level_3`), so one activity that lifts a volunteer over two thresholds gives two
milestone messages, and each level's message is sent once only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("zh", "en")
SUBJECT_MAX_LENGTH = 200  # what the notifications table keeps of a subject

WELCOME = "welcome"
TEAM_ASSIGNED = "team_assigned"
ACTIVITY_THANKS = "activity_thanks"
STAR_LEVEL = "star_level"
LOGIN_CODE = "login_code"
HOURS_CORRECTED = "hours_corrected"
CERTIFICATE_ISSUED = "certificate_issued"
APPLICATION_ACCEPTED = "application_accepted"
APPLICATION_WAITLISTED = "application_waitlisted"
APPLICATION_PROMOTED = "application_promoted"
ACTIVITY_CANCELLED = "activity_cancelled"
ACTIVITY_REMINDER = "activity_reminder"

TEMPLATES = (
    WELCOME,
    TEAM_ASSIGNED,
    ACTIVITY_THANKS,
    STAR_LEVEL,
    LOGIN_CODE,
    HOURS_CORRECTED,
    CERTIFICATE_ISSUED,
    APPLICATION_ACCEPTED,
    APPLICATION_WAITLISTED,
    APPLICATION_PROMOTED,
    ACTIVITY_CANCELLED,
    ACTIVITY_REMINDER,
)


def star_level_kind(level: int) -> str:
    """The kind of the message telling a volunteer they reached `level` stars."""
    return f"{STAR_LEVEL}_{level}"


@dataclass(frozen=True)
class Message:
    """A message to write: which kind, which template, and the values the template needs."""

    kind: str
    template: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderedMessage:
    """A message written out in one language."""

    language: str
    subject: str
    body: str


def welcome() -> Message:
    """The welcome on registration."""
    return Message(WELCOME, WELCOME)


def team_assigned(team_name: str, role: str) -> Message:
    """The notice that a volunteer joined a team."""
    return Message(TEAM_ASSIGNED, TEAM_ASSIGNED, {"team_name": team_name, "role": role})


def activity_thanks(
    title: str, location: str, team_name: str | None, hours: str, total_hours: str
) -> Message:
    """The thanks after an activity, with its hours and the volunteer's new total."""
    values = {
        "title": title,
        "location": location,
        "team_name": team_name,
        "hours": hours,
        "total_hours": total_hours,
    }
    return Message(ACTIVITY_THANKS, ACTIVITY_THANKS, values)


def star_level_reached(level: int, threshold: str, total_hours: str) -> Message:
    """The milestone message the first time a volunteer reaches `level` stars."""
    values = {"level": level, "threshold": threshold, "total_hours": total_hours}
    return Message(star_level_kind(level), STAR_LEVEL, values)


def hours_corrected(
    title: str, previous_hours: str, hours: str, reason: str, total_hours: str
) -> Message:
    """The notice that an activity's hours were corrected: from what to what, why, and the
    volunteer's new total."""
    values = {
        "title": title,
        "previous_hours": previous_hours,
        "hours": hours,
        "reason": reason,
        "total_hours": total_hours,
    }
    return Message(HOURS_CORRECTED, HOURS_CORRECTED, values)


def certificate_issued(
    number: str,
    total_hours: str,
    activity_count: int,
    period_from: str | None,
    period_to: str | None,
) -> Message:
    """The notice that a certificate of volunteer service was issued (dates ISO, or None)."""
    values = {
        "number": number,
        "total_hours": total_hours,
        "activity_count": activity_count,
        "period_from": period_from,
        "period_to": period_to,
    }
    return Message(CERTIFICATE_ISSUED, CERTIFICATE_ISSUED, values)


def application_accepted(title: str, starts_at: str, location: str) -> Message:
    """The notice that an application was accepted: the activity, its start (China time), where."""
    values = {"title": title, "starts_at": starts_at, "location": location}
    return Message(APPLICATION_ACCEPTED, APPLICATION_ACCEPTED, values)


def application_waitlisted(title: str, starts_at: str, position: int) -> Message:
    """The notice that an application waits for a slot, at `position` (1 first)."""
    values = {"title": title, "starts_at": starts_at, "position": position}
    return Message(APPLICATION_WAITLISTED, APPLICATION_WAITLISTED, values)


def application_promoted(title: str, starts_at: str, location: str) -> Message:
    """The notice that a waiting application got a slot that came free."""
    values = {"title": title, "starts_at": starts_at, "location": location}
    return Message(APPLICATION_PROMOTED, APPLICATION_PROMOTED, values)


def activity_cancelled(title: str, starts_at: str, reason: str) -> Message:
    """The notice to an accepted applicant that the activity was cancelled, and why."""
    values = {"title": title, "starts_at": starts_at, "reason": reason}
    return Message(ACTIVITY_CANCELLED, ACTIVITY_CANCELLED, values)


def activity_reminder(title: str, starts_at: str, location: str) -> Message:
    """The reminder, a day ahead, of an activity the volunteer was accepted for."""
    values = {"title": title, "starts_at": starts_at, "location": location}
    return Message(ACTIVITY_REMINDER, ACTIVITY_REMINDER, values)


def login_code(code: str, minutes: int) -> Message:
    """A one-time login code: sent, never stored (see `notifications.adapters.login_codes`)."""
    return Message(LOGIN_CODE, LOGIN_CODE, {"code": code, "minutes": minutes})
