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


class AlreadyPresent(Conflict):
    """The volunteer already checked in (or out) at the activity."""


class NotCheckedIn(Conflict):
    """A check-out with no check-in before it."""


class OutsideHours(Invalid):
    """A check-in or check-out outside the times the activity allows."""


class NotAMember(NotFound):
    pass


class UnknownVolunteer(Invalid):
    pass


class InvalidAttendance(Invalid):
    pass
