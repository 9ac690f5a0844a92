"""Handlers of the teams service's events: team names, notices, thanks and star milestones."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from association.events import Envelope
from notifications.adapters import volunteer_records
from notifications.domain import messages
from notifications.domain.milestones import StarLevels, hours_text
from notifications.service_layer.notifier import Notifier


def team_created(session: Session, event: Envelope) -> None:
    """Remember the team's name."""
    volunteer_records.remember_team(session, str(event.payload["team_id"]), event.payload["name"])


def team_assigned(session: Session, event: Envelope, *, notifier: Notifier) -> None:
    """Tell the volunteer which team they joined, and in which role."""
    payload = event.payload
    volunteer_records.remember_team(session, str(payload["team_id"]), payload["team_name"])
    message = messages.team_assigned(payload["team_name"], payload["role"])
    notifier.notify(session, event.event_id, str(payload["volunteer_id"]), message)


def activity_completed(
    session: Session, event: Envelope, *, notifier: Notifier, star_levels: StarLevels
) -> None:
    """Credit each attendee's hours once; thank them and mark every star level newly reached."""
    payload = event.payload
    activity_id = str(payload["activity_id"])
    team_name = volunteer_records.team_name(session, str(payload["team_id"]))
    for attendance in payload["attendance"]:
        volunteer_id = str(attendance["volunteer_id"])
        hours = Decimal(attendance["hours"])
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
            payload["title"], payload["location"], team_name, hours_text(hours), hours_text(total)
        )
        notifier.notify(session, event.event_id, volunteer_id, thanks)
        reached = star_levels.newly_reached(level_before, total)
        for level in reached:
            threshold = hours_text(star_levels.threshold_of(level))
            milestone = messages.star_level_reached(level, threshold, hours_text(total))
            notifier.notify(session, event.event_id, volunteer_id, milestone)
        if reached:
            volunteer_records.set_star_level(session, volunteer_id, reached[-1])
