"""The integration events the service consumes, by producer (routing key `<producer>.<Type>`)."""

from __future__ import annotations

PRODUCERS = {
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
    ),
}

ROUTING_KEYS = tuple(f"{producer}.{t}" for producer, types in PRODUCERS.items() for t in types)

# What a partner may subscribe to: every event of the public stream.
PUBLIC_EVENT_TYPES = tuple(sorted(t for types in PRODUCERS.values() for t in types))
