"""What teams' events change here: team names, notices of assignment, hours, thanks, stars."""

from __future__ import annotations

from collections.abc import Sequence
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
        reached = star_levels.newly_reached(level_before, total)
        for level in reached:
            threshold = hours_text(star_levels.threshold_of(level))
            milestone = messages.star_level_reached(level, threshold, hours_text(total))
            notifier.notify(session, event_id, volunteer_id, milestone)
        if reached:
            volunteer_records.set_star_level(session, volunteer_id, reached[-1])
