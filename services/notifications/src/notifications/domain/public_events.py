"""The events partners see: the integration events the service republishes redacted, and those
it never republishes.

Keyed by producer, so that the consumer's routing keys are `<producer>.<Type>`.
"""

from __future__ import annotations

REPUBLISHED = {
    "registration": (
        "VolunteerRegistered",
        "VolunteerProfileUpdated",
        "VolunteerWithdrawn",
        "OrganisationJoined",
    ),
    "teams": (
        "TeamCreated",
        "TeamAssigned",
        "TeamMemberRemoved",
        "ActivityScheduled",
        "ActivityCompleted",
        "ActivityCancelled",
        "HoursCorrected",
        "CertificateIssued",
    ),
}

# Recruitment's events about people: applications and presences tell where a person will be or
# was, so none of them reaches association.public, the public feed or webhooks.
PRIVATE = {
    "teams": (
        "ApplicationAccepted",
        "ApplicationWaitlisted",
        "ApplicationPromoted",
        "ApplicationCancelled",
        "CheckedIn",
        "CheckedOut",
        "AttendanceRecorded",
    ),
}

# The private events the service consumes (to tell and remind applicants), never republishing.
CONSUMED_PRIVATE = {"teams": PRIVATE["teams"][:4]}

# What a partner may subscribe to: every event of the public stream.
PUBLIC_EVENT_TYPES = tuple(sorted(t for types in REPUBLISHED.values() for t in types))
