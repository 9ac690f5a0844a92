"""What teams' events change here: team names, notices of assignment, hours, thanks, stars,
corrections of hours and certificates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from notifications.adapters import volunteer_records
from notifications.domain import messages
from notifications.domain.milestones import StarLevels, hours_text
from notifications.service_layer.notifier import Notifier


def remember_team(session: Session, team_id: str, name: str) -> None:
    """Remember the team's name."""
    volunteer_records.remember_team(session, team_id, name)


def announce_assignment(
    session: Session,
    notifier: Notifier,
    event_id: str,
    team_id: str,
    team_name: str,
    volunteer_id: str,
    role: str,
) -> None:
    """Tell the volunteer which team they joined, and in which role."""
    volunteer_records.remember_team(session, team_id, team_name)
    message = messages.team_assigned(team_name, role)
    notifier.notify(session, event_id, volunteer_id, message)


def thank_attendees(
    session: Session,
    notifier: Notifier,
    star_levels: StarLevels,
    event_id: str,
    *,
    activity_id: str,
    team_id: str,
    title: str,
    location: str,
    attendance: Sequence[tuple[str, Decimal]],
) -> None:
    """Credit each attendee's hours once; thank them and mark every star level newly reached."""
    team_name = volunteer_records.team_name(session, team_id)
    for volunteer_id, hours in attendance:
        if volunteer_records.is_withdrawn(session, volunteer_id):
            continue
        centihours = int(hours * 100)
        if not volunteer_records.credit_hours(session, activity_id, volunteer_id, centihours):
            continue
        total_centihours, level_before = volunteer_records.add_to_total(
            session, volunteer_id, centihours
        )
        total = Decimal(total_centihours) / 100
        thanks = messages.activity_thanks(
            title, location, team_name, hours_text(hours), hours_text(total)
        )
        notifier.notify(session, event_id, volunteer_id, thanks)
        _follow_star_level(
            session, notifier, star_levels, event_id, volunteer_id, level_before, total
        )


def correct_hours(
    session: Session,
    notifier: Notifier,
    star_levels: StarLevels,
    event_id: str,
    *,
    activity_id: str,
    title: str,
    volunteer_id: str,
    previous_hours: Decimal,
    hours: Decimal,
    reason: str,
) -> None:
    """Credit the volunteer the corrected hours of the activity: the credit of (activity,
    volunteer) becomes `hours` and the difference from what was credited here (nothing for an
    attendee the completion had left out) goes to the total, so the same event handled again
    changes nothing, and a rebuild replaying the feeds in order ends with the same total. Tell
    them (title, previous → new hours, reason, new total) once, mark a star level newly reached,
    and lower the stored level when the total has fallen below it."""
    if volunteer_records.is_withdrawn(session, volunteer_id):
        return
    centihours = int(hours * 100)
    credited = volunteer_records.credited_hours(session, activity_id, volunteer_id)
    if credited != centihours:
        volunteer_records.set_credited_hours(session, activity_id, volunteer_id, centihours)
    total_centihours, level_before = volunteer_records.add_to_total(
        session, volunteer_id, centihours - (credited or 0)
    )
    total = Decimal(total_centihours) / 100
    notice = messages.hours_corrected(
        title, hours_text(previous_hours), hours_text(hours), reason, hours_text(total)
    )
    notifier.notify(session, event_id, volunteer_id, notice)
    _follow_star_level(session, notifier, star_levels, event_id, volunteer_id, level_before, total)


def announce_certificate(
    session: Session,
    notifier: Notifier,
    event_id: str,
    *,
    volunteer_id: str,
    number: str,
    total_hours: Decimal,
    activity_count: int,
    period_from: date | None,
    period_to: date | None,
) -> None:
    """Tell the volunteer a certificate was issued: its number, hours, activities and period."""
    message = messages.certificate_issued(
        number,
        hours_text(total_hours),
        activity_count,
        period_from.isoformat() if period_from else None,
        period_to.isoformat() if period_to else None,
    )
    notifier.notify(session, event_id, volunteer_id, message)


def _follow_star_level(
    session: Session,
    notifier: Notifier,
    star_levels: StarLevels,
    event_id: str,
    volunteer_id: str,
    level_before: int,
    total: Decimal,
) -> None:
    """After the total changed: the milestone of each level newly reached, and the stored level
    raised to the highest reached, or lowered to what the total still earns."""
    reached = star_levels.newly_reached(level_before, total)
    for level in reached:
        threshold = hours_text(star_levels.threshold_of(level))
        milestone = messages.star_level_reached(level, threshold, hours_text(total))
        notifier.notify(session, event_id, volunteer_id, milestone)
    if reached:
        volunteer_records.set_star_level(session, volunteer_id, reached[-1])
    elif star_levels.level_for(total) < level_before:
        volunteer_records.set_star_level(session, volunteer_id, star_levels.level_for(total))
