"""Console scripts of the notifications service: web, worker, catch-up, rebuild of projections."""

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.orm import Session

from association import service
from association.service import ServiceCommands
from association.store import serialise_writers
from notifications.adapters.volunteer_records import CONTACT_TABLES
from notifications.adapters.volunteer_tables import (
    hours_credits_table,
    service_hours_table,
    team_names_table,
)
from notifications.definition import SERVICE

commands = ServiceCommands(SERVICE)
web = commands.web
worker = commands.worker
catch_up = commands.catch_up


def rebuild_projections(argv: Sequence[str] | None = None) -> None:
    """Rebuild the contacts, team names and hours from the producers' feeds (--from URL …).

    Empties them and applies the feeds anew. Notifications already written and the public log
    are kept: their unique keys let the replay pass over them, so nothing is sent twice. So are
    the applications and reminders: their versions let the replay pass over them.
    """
    service.catch_up_command(
        SERVICE,
        argv,
        described_by=rebuild_projections,
        reset=forget_volunteers_and_teams,
        command="rebuild-projections",
    )


def forget_volunteers_and_teams(session: Session) -> None:
    """Empty the contacts, team names and hours, queued behind every other writer."""
    serialise_writers(session)
    for table in (*CONTACT_TABLES, team_names_table, hours_credits_table, service_hours_table):
        session.execute(delete(table))
