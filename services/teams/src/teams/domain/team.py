"""The Team aggregate: its members and capacity, rebuilt as a fold over its events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from teams.domain.errors import AlreadyMember, NotAMember, TeamFull
from teams.domain.events import TeamAssigned, TeamCreated, TeamEvent, TeamMemberRemoved
from teams.domain.vocabularies import RemovalReason, TeamKind, TeamRole


@dataclass(frozen=True)
class Member:
    volunteer_id: UUID
    role: TeamRole
    assigned_at: datetime


@dataclass
class Team:
    """A team as its events left it; `version` is the number of events applied."""

    team_id: UUID
    name: str
    kind: TeamKind
    capacity: int | None
    organisation_id: UUID | None = None
    members: dict[UUID, Member] = field(default_factory=dict)
    version: int = 1

    @staticmethod
    def create(
        team_id: UUID,
        name: str,
        kind: TeamKind,
        description: str,
        required_skills: Sequence[str],
        capacity: int | None,
        now: datetime,
        organisation_id: UUID | None = None,
    ) -> TeamCreated:
        """The event that founds a team (of a member organisation, or of none)."""
        return TeamCreated(
            team_id,
            name,
            kind,
            description,
            tuple(required_skills),
            capacity,
            now,
            organisation_id,
        )

    @classmethod
    def from_events(cls, events: Sequence[TeamEvent]) -> Team:
        """Fold a team's events, the first being its TeamCreated."""
        first = events[0]
        if not isinstance(first, TeamCreated):
            raise ValueError(f"a team's history starts with TeamCreated, not {first!r}")
        team = cls(first.team_id, first.name, first.kind, first.capacity, first.organisation_id)
        for event in events[1:]:
            team.apply(event)
        return team

    def apply(self, event: TeamEvent) -> None:
        """Change the state by one event."""
        if isinstance(event, TeamAssigned):
            self.members[event.volunteer_id] = Member(
                event.volunteer_id, event.role, event.assigned_at
            )
        elif isinstance(event, TeamMemberRemoved):
            self.members.pop(event.volunteer_id, None)
        else:
            raise ValueError(f"a team cannot apply {event!r}")
        self.version += 1

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and len(self.members) >= self.capacity

    def assign(self, volunteer_id: UUID, role: TeamRole, now: datetime) -> TeamAssigned:
        """Take a volunteer into the team; refused when already a member or the team is full."""
        if volunteer_id in self.members:
            raise AlreadyMember(f"volunteer {volunteer_id} is already a member of this team")
        if self.is_full:
            raise TeamFull(f"the team is full: capacity {self.capacity}")
        return TeamAssigned(self.team_id, self.name, volunteer_id, role, now)

    def remove(self, volunteer_id: UUID, reason: RemovalReason, now: datetime) -> TeamMemberRemoved:
        """Take a volunteer out of the team; refused when not a member."""
        if volunteer_id not in self.members:
            raise NotAMember(f"volunteer {volunteer_id} is not a member of this team")
        return TeamMemberRemoved(self.team_id, volunteer_id, reason, now)
