"""The events partners see: every integration event the service consumes, republished redacted.

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

# What a partner may subscribe to: every event of the public stream.
PUBLIC_EVENT_TYPES = tuple(sorted(t for types in REPUBLISHED.values() for t in types))
