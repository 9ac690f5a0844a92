"""Why the service turns a request down: what is asked for is unknown, or not in a fitting state."""

from __future__ import annotations

from association.refusals import Conflict, NotFound


class UnknownVolunteer(NotFound):
    """The service knows nothing of the volunteer: never heard of, or withdrawn."""


class UnknownSubscription(NotFound):
    """No such subscription, or one of another partner."""


class NotPaused(Conflict):
    """Only a paused subscription can be resumed."""


class TooManySubscriptions(Conflict):
    """A partner has as many subscriptions as it may (`WEBHOOK_MAX_SUBSCRIPTIONS`)."""
