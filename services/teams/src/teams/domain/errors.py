"""Why the rules refuse a command: the shared refusals (not found, conflict, invalid) of teams."""

from __future__ import annotations

from association.refusals import Conflict, Invalid, NotFound


class TeamFull(Conflict):
    pass


class AlreadyMember(Conflict):
    pass


class DuplicateTeamName(Conflict):
    pass


class ActivityClosed(Conflict):
    """The activity was already completed or cancelled (or, to correct hours, is not completed)."""


class NotAMember(NotFound):
    pass


class UnknownVolunteer(Invalid):
    pass


class InvalidAttendance(Invalid):
    pass
